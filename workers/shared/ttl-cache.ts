/**
 * A small per-isolate memo: key → value for at most `ttlMs`, at most `maxEntries` keys (the least
 * recently used goes first). For facts read from D1 on a hot path that may be a little stale, such as
 * a route, a tenant's plan limits or its egress allow-list; every isolate converges within the TTL.
 */
export class TtlCache<K, V> {
	private readonly entries = new Map<K, { value: V; expires: number }>();

	constructor(
		private readonly maxEntries: number,
		private readonly ttlMs: number,
	) {}

	/** The cached value if fresh, synchronously (hot paths answer without awaiting); else undefined. */
	peek(key: K, now = Date.now()): V | undefined {
		const entry = this.entries.get(key);
		if (!entry) return undefined;
		// Map keeps insertion order: re-inserting marks the entry most recently used.
		this.entries.delete(key);
		if (entry.expires <= now) return undefined;
		this.entries.set(key, entry);
		return entry.value;
	}

	/** The cached value, or what `load` produces (then cached). Concurrent misses may both load. */
	async get(key: K, load: () => Promise<V>, now = Date.now()): Promise<V> {
		const cached = this.peek(key, now);
		if (cached !== undefined) return cached;
		const value = await load();
		this.set(key, value, now);
		return value;
	}

	set(key: K, value: V, now = Date.now()): void {
		this.entries.delete(key);
		this.entries.set(key, { value, expires: now + this.ttlMs });
		if (this.entries.size > this.maxEntries) {
			const oldest = this.entries.keys().next();
			if (!oldest.done) this.entries.delete(oldest.value);
		}
	}

	delete(key: K): void {
		this.entries.delete(key);
	}

	get size(): number {
		return this.entries.size;
	}
}
