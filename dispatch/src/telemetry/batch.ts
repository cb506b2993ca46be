/**
 * Records on their way to the telemetry Worker, batched per isolate: a trace arrives after its
 * invocation ended (never on a request's path), is turned into a record and waits here at most
 * FLUSH_MS for others to share one RPC. The queue is bounded: when the telemetry Worker is slow or
 * gone, what does not fit is dropped and counted, never held without bound.
 *
 * Each tail call runs in its own IoContext (workerd's per-event context). No promise and no binding
 * crosses from one to another: the call that finds no flush scheduled becomes the flusher and sends,
 * with its own sink, everything queued while it runs; the calls during its flush only queue. (Sharing
 * one flush promise across calls made workerd drop the other contexts' continuations: "IoContext
 * dropped queued cross-context actions".)
 */
import { log } from "../../../workers/shared/log";
import type { TelemetryApi } from "../../../workers/shared/telemetry/api";
import type { CollectedInvocation } from "../../../workers/shared/telemetry/record";

/** Short enough for a live tail to feel live (the issue asks for a line within 500 ms). */
export const FLUSH_MS = 50;
/** Per RPC; a record is at most ~45 KB (workers/shared/telemetry/record.ts), so a batch stays a few MB at worst. */
export const MAX_BATCH = 100;
/** Records waiting at most; past it new ones are dropped. */
export const MAX_QUEUED = 2_000;
/**
 * How long one call's context keeps flushing under continuous load before it stops (its `waitUntil`
 * is bounded by the runtime): the next trace's call takes over.
 */
export const MAX_FLUSHER_MS = 10_000;

export type RecordSink = Pick<TelemetryApi, "record">;

const send = (sink: RecordSink, batch: CollectedInvocation[]): Promise<void> =>
	sink.record(batch).catch((error: unknown) => log.warn("could not send invocation records to telemetry", { count: batch.length, error }));

export class RecordBatcher {
	private queued: CollectedInvocation[] = [];
	private flushing = false;
	private dropped = 0;

	/** `maxFlusherMs`: MAX_FLUSHER_MS (tests pass a shorter one). */
	constructor(private readonly maxFlusherMs = MAX_FLUSHER_MS) {}

	/**
	 * Queues records. Returns the flush this call runs (for its own `waitUntil`), or undefined when
	 * another call's flush, already scheduled, takes them.
	 */
	add(records: CollectedInvocation[], sink: RecordSink): Promise<void> | undefined {
		const room = MAX_QUEUED - this.queued.length;
		if (records.length > room) this.dropped += records.length - Math.max(0, room);
		this.queued.push(...records.slice(0, Math.max(0, room)));
		if (this.flushing) return undefined;
		this.flushing = true;
		return this.flush(sink);
	}

	private async flush(sink: RecordSink): Promise<void> {
		const started = Date.now();
		try {
			await scheduler.wait(FLUSH_MS);
			while (this.queued.length > 0 && Date.now() - started < this.maxFlusherMs) await send(sink, this.queued.splice(0, MAX_BATCH));
			if (this.dropped > 0) {
				log.warn("dropped invocation records: the telemetry queue was full", { dropped: this.dropped });
				this.dropped = 0;
			}
		} finally {
			// Synchronously after the last check: a record queued from here on starts the next flush.
			this.flushing = false;
		}
		// Out of time with records still queued (queued during the last send): the next trace's call
		// would take them, but none may come (the last requests of a burst), so they are sent from here,
		// at most MAX_QUEUED of them, after handing over: what arrives from now on is the next flush's.
		const left = this.queued.splice(0);
		const batches = Array.from({ length: Math.ceil(left.length / MAX_BATCH) }, (_, i) => left.slice(i * MAX_BATCH, (i + 1) * MAX_BATCH));
		await Promise.all(batches.map((batch) => send(sink, batch)));
	}
}
