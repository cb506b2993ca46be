/**
 * Live tails of one script, held by its ScriptTelemetry object: every record of the script passes
 * through that object (append), so it is where they fan out to the tails open on it, as Server-Sent
 * Events (workers/shared/http/sse.ts). The tenant's events (./events.ts) fan out the same way. Publishing only enqueues, never awaits: a tail never slows the
 * store, and the store never waits for a tenant request.
 *
 * Bounds, per script and per tail (docs/telemetry.md, "Live tail"):
 *   - at most MAX_TAILS open at once; one more is refused (the API's 429);
 *   - at most MAX_PER_SECOND records a second to each; past it records are skipped and the tail is
 *     told how many (`event: skipped`, reason `rate`); the client's own `sampling` comes first (and
 *     is reported the same way, reason `sampling`);
 *   - at most MAX_BUFFERED_BYTES waiting for a client that reads slower than records arrive; past it
 *     the tail is dropped (its stream errors, the buffer is freed), so a client that never reads
 *     holds a bounded amount of memory and never blocks anyone.
 */
import { frameEvent, HEARTBEAT } from "../../shared/http/sse";
import { log } from "../../shared/log";

export const MAX_TAILS = 10;
export const MAX_PER_SECOND = 50;
export const MAX_BUFFERED_BYTES = 1024 * 1024;
/**
 * Each second every tail gets a comment line (keeps proxies from closing an idle tail; a client that
 * left is found by the write failing, which frees its place) and, if it skipped records, how many.
 */
export const TICK_MS = 1_000;

interface Tail<Q> {
	query: Q;
	/** The query's `sampling`, if it has one. */
	sampling: number | undefined;
	controller: ReadableStreamDefaultController<Uint8Array>;
	window: number;
	sent: number;
	/** Past the rate, and left out by the client's sampling, in this window. */
	skipped: number;
	sampledOut: number;
}

const encoder = new TextEncoder();

/** What a tail may ask beyond its filters: the share of items to send. */
export interface Sampled {
	sampling?: number;
}

export interface FanoutOf<T, Q> {
	/** The SSE event name of an item (`invocation`, `event`). */
	event: string;
	matches(query: Q, item: T): boolean;
}

export class LiveTails<T extends { id: string }, Q> {
	private readonly tails = new Set<Tail<Q>>();
	private ticker: ReturnType<typeof setInterval> | undefined;

	constructor(private readonly of: FanoutOf<T, Q>) {}

	get open(): number {
		return this.tails.size;
	}

	/** A new tail's event stream, or null when MAX_TAILS are open already. */
	subscribe(query: Q): ReadableStream<Uint8Array> | null {
		if (this.tails.size >= MAX_TAILS) return null;
		let tail: Tail<Q> | undefined;
		return new ReadableStream<Uint8Array>(
			{
				start: (controller) => {
					tail = { query, sampling: (query as Sampled).sampling, controller, window: Date.now(), sent: 0, skipped: 0, sampledOut: 0 };
					this.tails.add(tail);
					this.write(tail, frameEvent("ready", { max_per_second: MAX_PER_SECOND, sampling: tail.sampling ?? 1 }));
					this.ticker ??= setInterval(() => this.tick(), TICK_MS);
				},
				cancel: () => {
					if (tail) this.remove(tail);
				},
			},
			new ByteLengthQueuingStrategy({ highWaterMark: MAX_BUFFERED_BYTES }),
		);
	}

	/** Hands each open tail the records it asked for. Synchronous: nothing here waits for a client. */
	publish(records: readonly T[]): void {
		if (this.tails.size === 0) return;
		const now = Date.now();
		for (const tail of this.tails) {
			for (const record of records) {
				if (!this.of.matches(tail.query, record)) continue;
				if (now - tail.window >= TICK_MS) this.nextWindow(tail, now);
				if (tail.sampling !== undefined && Math.random() >= tail.sampling) {
					tail.sampledOut++;
					continue;
				}
				if (tail.sent >= MAX_PER_SECOND) {
					tail.skipped++;
					continue;
				}
				tail.sent++;
				if (!this.write(tail, frameEvent(this.of.event, record, record.id))) break;
			}
		}
	}

	private nextWindow(tail: Tail<Q>, now: number): void {
		if (tail.skipped > 0) this.write(tail, frameEvent("skipped", { count: tail.skipped, reason: "rate" }));
		if (tail.sampledOut > 0) this.write(tail, frameEvent("skipped", { count: tail.sampledOut, reason: "sampling" }));
		tail.window = now;
		tail.sent = 0;
		tail.skipped = 0;
		tail.sampledOut = 0;
	}

	private tick(): void {
		const now = Date.now();
		for (const tail of this.tails) {
			if (now - tail.window >= TICK_MS) this.nextWindow(tail, now);
			this.write(tail, HEARTBEAT);
		}
	}

	/** Enqueues, or drops a tail whose client is that far behind (or gone); false when it was dropped. */
	private write(tail: Tail<Q>, text: string): boolean {
		const desired = tail.controller.desiredSize;
		if (desired === null || desired <= 0) {
			this.remove(tail);
			log.warn("dropped a live tail: its client did not keep up", { bufferedBytes: MAX_BUFFERED_BYTES - (desired ?? 0) });
			try {
				tail.controller.error(new Error("the tail's client did not keep up"));
			} catch {
				// Already closed or errored.
			}
			return false;
		}
		try {
			tail.controller.enqueue(encoder.encode(text));
			return true;
		} catch {
			this.remove(tail);
			return false;
		}
	}

	private remove(tail: Tail<Q>): void {
		this.tails.delete(tail);
		if (this.tails.size === 0 && this.ticker !== undefined) {
			clearInterval(this.ticker);
			this.ticker = undefined;
		}
	}
}
