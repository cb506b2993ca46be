/**
 * Records on their way to the telemetry Worker, batched per isolate: a trace arrives after its
 * invocation ended (never on a request's path), is turned into a record and waits here at most
 * FLUSH_MS for others to share one RPC. The queue is bounded: when the telemetry Worker is slow or
 * gone, what does not fit is dropped and counted, never held without bound.
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

export class RecordBatcher {
	private queued: CollectedInvocation[] = [];
	private flushing: Promise<void> | null = null;
	private dropped = 0;

	constructor(private readonly sink: () => Pick<TelemetryApi, "record">) {}

	/** Queues records; the returned promise (for `waitUntil`) settles once they were sent or given up. */
	add(records: CollectedInvocation[]): Promise<void> {
		const room = MAX_QUEUED - this.queued.length;
		if (records.length > room) this.dropped += records.length - Math.max(0, room);
		this.queued.push(...records.slice(0, Math.max(0, room)));
		this.flushing ??= this.flushSoon();
		return this.flushing;
	}

	private async flushSoon(): Promise<void> {
		await scheduler.wait(FLUSH_MS);
		try {
			while (this.queued.length > 0) {
				const batch = this.queued.splice(0, MAX_BATCH);
				await this.sink()
					.record(batch)
					.catch((error: unknown) => log.warn("could not send invocation records to telemetry", { count: batch.length, error }));
			}
			if (this.dropped > 0) {
				log.warn("dropped invocation records: the telemetry queue was full", { dropped: this.dropped });
				this.dropped = 0;
			}
		} finally {
			this.flushing = null;
		}
	}
}
