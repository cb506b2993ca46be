/**
 * Deploy progress as NDJSON, for clients that ask with `Accept: application/x-ndjson` (the ferry CLI
 * shows it on a terminal). One line per state event as the pipeline stores it, then one last line
 * holding exactly the body the plain answer would have had: the deployment, or `{"error": …}`.
 * The stream starts (status 200) only once the deployment is Queued, so every refusal before that
 * (bad upload, taken name) still answers with its own status; after it, the last line tells.
 */
import { NDJSON } from "../../../shared/http/ndjson";
import { clientError } from "../errors";
import { eventView, type ProgressLine } from "../views";
import type { StateEvent } from "./pipeline";

/** True when the Accept header lists the NDJSON media type. */
export function wantsProgress(accept: string | undefined): boolean {
	return (accept ?? "").split(",").some((range) => range.split(";")[0]!.trim().toLowerCase() === NDJSON);
}

export class ProgressStream {
	private readonly stream = new TransformStream<Uint8Array, Uint8Array>();
	private readonly writer = this.stream.writable.getWriter();
	private readonly encoder = new TextEncoder();
	private markStarted!: () => void;
	/** Settles with the first event: from then on the answer is this stream. */
	readonly started = new Promise<void>((resolve) => (this.markStarted = resolve));

	/**
	 * The pipeline's listener; resolves once the line had its chance to leave. Never rejects: a
	 * client that went away does not stop the deployment.
	 *
	 * A written line leaves only when workerd's I/O gets a turn, and the pipeline's next stage may
	 * hold the thread: the Loaded probe and the warm-up after Deployed run the tenant's top level,
	 * locally on the API's own thread. So the pipeline waits one timer turn (not a microtask: those
	 * run before any I/O) before going on. Measured on a deploy whose top level takes ~0.3 s: without
	 * it every line, headers included, arrived at the end, Queued 0.67 s after it was stored; with
	 * it each line arrives within ~5 ms of being stored (docs/reliability.md).
	 */
	readonly push = (event: StateEvent): Promise<void> => {
		this.markStarted();
		const line: ProgressLine = { event: { deployment_id: event.deploymentId, ...eventView(event) } };
		this.line(line);
		return new Promise((resolve) => setTimeout(resolve, 0));
	};

	/**
	 * The streamed answer to `request`; `outcome` is the final body, or an error that becomes
	 * `{"error": …}` exactly as the plain answer's would (../errors.ts).
	 */
	respond(outcome: Promise<object>, request: Request): Response {
		outcome
			.catch((error: unknown) => clientError(error, request).toJSON())
			.then((body) => this.line(body))
			.finally(() => this.writer.close().catch(() => undefined));
		return new Response(this.stream.readable, {
			headers: { "content-type": `${NDJSON}; charset=utf-8`, "cache-control": "no-store" },
		});
	}

	private line(value: unknown): void {
		// Writes are queued until the client reads; a rejected write means it disconnected.
		this.writer.write(this.encoder.encode(`${JSON.stringify(value)}\n`)).catch(() => undefined);
	}
}
