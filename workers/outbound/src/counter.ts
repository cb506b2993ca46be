/**
 * Subrequests counted per tenant request, in the isolate that runs the egress gate. Bounded: the
 * oldest keys go first, so an isolate that serves many requests keeps a fixed amount of memory.
 */
export class SubrequestCounter {
	private readonly counts = new Map<string, number>();

	constructor(private readonly maxKeys = 10_000) {}

	/** Counts one more subrequest for `key` and returns the new count (1 for the first). */
	next(key: string): number {
		const count = (this.counts.get(key) ?? 0) + 1;
		this.counts.delete(key);
		this.counts.set(key, count);
		if (this.counts.size > this.maxKeys) {
			const oldest = this.counts.keys().next();
			if (!oldest.done) this.counts.delete(oldest.value);
		}
		return count;
	}

	count(key: string): number {
		return this.counts.get(key) ?? 0;
	}
}
