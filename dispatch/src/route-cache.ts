/**
 * The dispatcher's in-isolate route cache: label → target (or "no such route"). Bounded (least recently
 * used goes first), and each entry lives at most `ttlMs` so that an isolate the API cannot reach to
 * invalidate (production runs many) still converges. Locally the API invalidates on every route move.
 */
import type { RouteTarget } from "../../workers/shared/runtime/route";

interface Entry {
	target: RouteTarget | null;
	expires: number;
}

export class RouteCache {
	private readonly entries = new Map<string, Entry>();

	constructor(
		private readonly maxEntries: number,
		private readonly ttlMs: number,
	) {}

	/** The cached answer (null: known to be unrouted), or undefined when not cached. */
	get(label: string, now: number): RouteTarget | null | undefined {
		const entry = this.entries.get(label);
		if (!entry) return undefined;
		if (entry.expires <= now) {
			this.entries.delete(label);
			return undefined;
		}
		// Map keeps insertion order: re-inserting marks the entry most recently used.
		this.entries.delete(label);
		this.entries.set(label, entry);
		return entry.target;
	}

	set(label: string, target: RouteTarget | null, now: number): void {
		this.entries.delete(label);
		this.entries.set(label, { target, expires: now + this.ttlMs });
		if (this.entries.size > this.maxEntries) {
			const oldest = this.entries.keys().next();
			if (!oldest.done) this.entries.delete(oldest.value);
		}
	}

	delete(label: string): void {
		this.entries.delete(label);
	}

	get size(): number {
		return this.entries.size;
	}
}
