/**
 * Subrequests counted per tenant request, in the isolate that runs the egress gate. Bounded: the
 * least recently counted keys go first, so an isolate that serves many requests keeps a fixed amount
 * of memory.
 */
import { BoundedMap } from "../../shared/bounded-map";

export class SubrequestCounter {
	private readonly counts: BoundedMap<string, number>;

	constructor(maxKeys = 10_000) {
		this.counts = new BoundedMap({ maxEntries: maxKeys });
	}

	/** Counts one more subrequest for `key` and returns the new count (1 for the first). */
	next(key: string): number {
		const count = (this.counts.get(key) ?? 0) + 1;
		this.counts.set(key, count);
		return count;
	}

	count(key: string): number {
		return this.counts.peek(key) ?? 0;
	}
}
