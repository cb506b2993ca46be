/**
 * Server-Sent Events (the HTML spec's `text/event-stream`): how the API streams a live tail and the
 * tenant's events. Framing here, once, for the servers; parsing here, once, for the clients (the CLI,
 * the panel, the bench) — no EventSource: the clients need an Authorization header.
 */
export const EVENT_STREAM = "text/event-stream";

/** The headers of an event stream answer: never cached, never buffered by a proxy. */
export const EVENT_STREAM_HEADERS = {
	"content-type": `${EVENT_STREAM}; charset=utf-8`,
	"cache-control": "no-store",
	"x-accel-buffering": "no",
} as const;

export interface ServerEvent {
	event: string;
	data: string;
	id?: string;
}

/** One event; `data` is JSON on one line (JSON.stringify never writes a raw newline). */
export function frameEvent(event: string, data: unknown, id?: string): string {
	return `event: ${event}\n${id ? `id: ${id}\n` : ""}data: ${JSON.stringify(data)}\n\n`;
}

/** A comment line: keeps the connection open through proxies and finds clients that went away. */
export const HEARTBEAT = ": ping\n\n";

/** The events of an event stream body, as they arrive (comments skipped). */
export async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerEvent> {
	const decoder = new TextDecoder();
	let buffered = "";
	for await (const chunk of body) {
		buffered += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, "\n");
		for (let end = buffered.indexOf("\n\n"); end !== -1; end = buffered.indexOf("\n\n")) {
			const block = buffered.slice(0, end);
			buffered = buffered.slice(end + 2);
			const event = parseBlock(block);
			if (event) yield event;
		}
	}
}

function parseBlock(block: string): ServerEvent | undefined {
	let event = "message";
	let id: string | undefined;
	const data: string[] = [];
	for (const line of block.split("\n")) {
		if (line === "" || line.startsWith(":")) continue;
		const colon = line.indexOf(":");
		const field = colon === -1 ? line : line.slice(0, colon);
		const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
		if (field === "event") event = value;
		else if (field === "data") data.push(value);
		else if (field === "id") id = value;
	}
	if (data.length === 0) return undefined;
	return { event, data: data.join("\n"), ...(id !== undefined ? { id } : {}) };
}
