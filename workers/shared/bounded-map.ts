/**
 * A per-isolate map that stays small: at most `maxEntries` keys and, when values are weighed, at most
 * `maxWeight` in total; past either bound the least recently used entries go first. With `ttlMs`, an
 * entry is forgotten that long after it was set (reading it does not extend it).
 *
 * It backs every in-isolate cache of the platform: routes, plan limits and egress allow-lists (small
 * facts that may be a little stale), deployments' code (weighed by module bytes), subrequest counts
 * and the warm-up budget. Reads are synchronous, so a hot path answers from it without awaiting.
 * `now` is a parameter so that tests need no clock.
 *
 * Written here rather than taken from lru-cache (the well-kept library that has all three bounds): it
 * is ~1,700 lines in the dispatcher's bundle for this ~90, and its TTL clock arms a timer on reads.
 */
export interface BoundedMapOptions<V> {
	maxEntries: number;
	/** The bound on the sum of `weigh(value)`; needs `weigh`. */
	maxWeight?: number;
	weigh?: (value: V) => number;
	ttlMs?: number;
}

interface Entry<V> {
	value: V;
	weight: number;
	expires: number;
}

export class BoundedMap<K, V> {
	// Map keeps insertion order: re-inserting an entry marks it the most recently used, so the first
	// key is always the least recently used.
	private readonly entries = new Map<K, Entry<V>>();
	private totalWeight = 0;
	private readonly options: BoundedMapOptions<V>;

	constructor(options: BoundedMapOptions<V>) {
		this.options = options;
	}

	/** The value if present and fresh, marked most recently used; an expired entry is dropped. */
	get(key: K, now = Date.now()): V | undefined {
		const entry = this.live(key, now);
		if (!entry) return undefined;
		this.entries.delete(key);
		this.entries.set(key, entry);
		return entry.value;
	}

	/** Like get, without marking the entry used. */
	peek(key: K, now = Date.now()): V | undefined {
		return this.live(key, now)?.value;
	}

	has(key: K, now = Date.now()): boolean {
		return this.live(key, now) !== undefined;
	}

	/**
	 * Keeps the value (replacing any under `key`) and evicts the least recently used entries to fit.
	 * A value heavier than `maxWeight` on its own is not kept (nor does it evict anything): false.
	 * `ttlMs` overrides the map's TTL for this entry (Infinity: it never expires).
	 */
	set(key: K, value: V, now = Date.now(), ttlMs = this.options.ttlMs): boolean {
		this.delete(key);
		const weight = this.options.weigh?.(value) ?? 0;
		const maxWeight = this.options.maxWeight ?? Number.POSITIVE_INFINITY;
		if (weight > maxWeight) return false;
		this.entries.set(key, { value, weight, expires: now + (ttlMs ?? Number.POSITIVE_INFINITY) });
		this.totalWeight += weight;
		for (const [oldest, entry] of this.entries) {
			if (this.entries.size <= this.options.maxEntries && this.totalWeight <= maxWeight) break;
			this.remove(oldest, entry);
		}
		return true;
	}

	delete(key: K): boolean {
		const entry = this.entries.get(key);
		if (!entry) return false;
		this.remove(key, entry);
		return true;
	}

	clear(): void {
		this.entries.clear();
		this.totalWeight = 0;
	}

	/** Drops every expired entry (reads drop the ones they meet; this is for a `size` that must be exact). */
	prune(now = Date.now()): void {
		for (const [key, entry] of this.entries) if (entry.expires <= now) this.remove(key, entry);
	}

	/** Entries held, expired ones not yet dropped included (see prune). */
	get size(): number {
		return this.entries.size;
	}

	get weight(): number {
		return this.totalWeight;
	}

	private live(key: K, now: number): Entry<V> | undefined {
		const entry = this.entries.get(key);
		if (!entry) return undefined;
		if (entry.expires > now) return entry;
		this.remove(key, entry);
		return undefined;
	}

	private remove(key: K, entry: Entry<V>): void {
		this.entries.delete(key);
		this.totalWeight -= entry.weight;
	}
}
