/**
 * A CGI program's stdout as an HTTP response (RFC 3875 §6): header lines, a blank line, the body.
 * `Status: 404 Not Found` sets the status, `Location` alone redirects (302), any other header is
 * passed on. Anything else is a malformed response, which the shim turns into a failure (500).
 */

export class CgiResponseError extends Error {
	override name = "CgiResponseError";
}

/** How far to look for the blank line that ends the headers. */
const MAX_HEADER_BYTES = 64 * 1024;
/** RFC 9110 token characters: what a header name may contain. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Framing and hop-by-hop headers: the platform sets these itself (RFC 3875 §6.3.4). */
const PLATFORM_HEADERS = new Set(["content-length", "transfer-encoding", "connection", "keep-alive"]);
/** Statuses whose responses have no body (the Response constructor refuses one). */
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

const LF = 0x0a;
const CR = 0x0d;
const decoder = new TextDecoder();
/** String.fromCharCode takes its bytes as arguments: this many at a time stays far below any engine's argument limit. */
const CHARS_PER_CALL = 8192;

/**
 * The header block as text. Headers are ASCII in practice, and for ASCII each byte is its character:
 * String.fromCharCode does that without TextDecoder, whose call through the runtime's bindings costs
 * more than the rest of the parsing (measured in workerd: docs/wasm.md, "Performance"). A block
 * with any other byte is decoded as UTF-8, as it always was.
 */
function headerText(bytes: Uint8Array): string {
	let ascii = true;
	for (let i = 0; i < bytes.length; i++) {
		if (bytes[i]! >= 0x80) {
			ascii = false;
			break;
		}
	}
	if (!ascii) return decoder.decode(bytes);
	let text = "";
	for (let start = 0; start < bytes.length; start += CHARS_PER_CALL)
		// apply takes any array-like; TypeScript types it as an array.
		text += String.fromCharCode.apply(null, bytes.subarray(start, start + CHARS_PER_CALL) as unknown as number[]);
	return text;
}

/** Where the header block ends and the body starts, or null when no blank line ends the headers. */
function splitHeaders(output: Uint8Array): { headersEnd: number; bodyStart: number } | null {
	const limit = Math.min(output.length, MAX_HEADER_BYTES);
	// The blank line may be the first line (no headers: refused below, with a clearer message).
	if (output[0] === LF) return { headersEnd: 0, bodyStart: 1 };
	if (output[0] === CR && output[1] === LF) return { headersEnd: 0, bodyStart: 2 };
	for (let i = 0; i < limit; i++) {
		if (output[i] !== LF) continue;
		if (output[i + 1] === LF) return { headersEnd: i, bodyStart: i + 2 };
		if (output[i + 1] === CR && output[i + 2] === LF) return { headersEnd: i, bodyStart: i + 3 };
	}
	return null;
}

/** A line as it may appear in a log: short, and without control characters. */
const quoted = (line: string) => JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line);

function parseStatus(value: string): number {
	const match = /^(\d{3})(?:\s.*)?$/.exec(value);
	const status = match ? Number(match[1]) : NaN;
	if (!(status >= 200 && status <= 599)) throw new CgiResponseError(`Status ${quoted(value)} is not a status code from 200 to 599`);
	return status;
}

export function cgiResponse(output: Uint8Array): Response {
	if (output.length === 0) throw new CgiResponseError("the module wrote nothing to stdout");
	const split = splitHeaders(output);
	if (!split) throw new CgiResponseError("no blank line ends the CGI headers");

	// Lines end with LF or CRLF: split at LF, then drop the CR.
	const lines = split.headersEnd === 0 ? [] : headerText(output.subarray(0, split.headersEnd)).split("\n");
	const headers = new Headers();
	let status: number | undefined;
	let documentOrRedirect = false;
	let location = false;
	for (const ended of lines) {
		const line = ended.endsWith("\r") ? ended.slice(0, -1) : ended;
		const colon = line.indexOf(":");
		const name = line.slice(0, Math.max(colon, 0));
		if (!HEADER_NAME.test(name)) throw new CgiResponseError(`not a header line: ${quoted(line)}`);
		const key = name.toLowerCase();
		const value = line.slice(colon + 1).trim();
		if (key === "status") {
			status = parseStatus(value);
			continue;
		}
		if (key === "location") location = true;
		if (key === "content-type" || key === "location") documentOrRedirect = true;
		if (PLATFORM_HEADERS.has(key)) continue;
		try {
			headers.append(name, value);
		} catch {
			throw new CgiResponseError(`header ${name} has a value HTTP does not allow: ${quoted(value)}`);
		}
	}
	if (status === undefined && !documentOrRedirect)
		throw new CgiResponseError("the response has no Content-Type, Location or Status header");

	const finalStatus = status ?? (location ? 302 : 200);
	const body = NULL_BODY_STATUSES.has(finalStatus) ? null : output.subarray(split.bodyStart);
	return new Response(body, { status: finalStatus, headers });
}
