/**
 * Label → route target, from the platform's storage on a miss (PlatformReads: D1 in production, the
 * control process locally) and from the isolate's cache otherwise. A lookup that started before an
 * invalidation does not write its (possibly old) answer back into the cache.
 *
 * A cached answer comes back synchronously (not as a promise), so a warm request goes from the Host
 * header to the runtime's fetch without yielding once.
 */
import { BoundedMap } from "../../workers/shared/bounded-map";
import type { MaybePromise } from "../../workers/shared/maybe-promise";
import type { PlatformReads } from "../../workers/shared/platform";
import type { RouteTarget } from "../../workers/shared/runtime/route";

/** Enough for every hot hostname of a large installation; each entry is a few hundred bytes. */
const MAX_ROUTES = 20_000;
/** How long an isolate the API could not reach may serve an old route (production has many isolates). */
const ROUTE_TTL_MS = 30_000;

/** Label → target, or null for "no such route" (a miss is cached too). */
const cache = new BoundedMap<string, RouteTarget | null>({ maxEntries: MAX_ROUTES, ttlMs: ROUTE_TTL_MS });
let generation = 0;

/** The label's target (null: no such route): the cached one as a plain value, else a read. */
export function resolveRoute(reads: PlatformReads, label: string): MaybePromise<RouteTarget | null> {
	const cached = cache.get(label);
	return cached !== undefined ? cached : lookupRoute(reads, label);
}

async function lookupRoute(reads: PlatformReads, label: string): Promise<RouteTarget | null> {
	const startedAt = generation;
	// One indexed read on a miss.
	const [target = null] = await reads.routes([label]);
	if (generation === startedAt) cache.set(label, target, Date.now());
	return target;
}

export function invalidateRoutes(labels: readonly string[]): void {
	generation++;
	for (const label of labels) cache.delete(label);
}

/**
 * Drops the labels' cached routes, then reads their current targets (one read) into the cache, so the
 * first request after a route move is not a miss. Returns the targets that exist.
 * The entries are gone before the first await: nothing stale is served even if the read fails.
 */
export async function refreshRoutes(reads: PlatformReads, labels: readonly string[]): Promise<RouteTarget[]> {
	invalidateRoutes(labels);
	if (labels.length === 0) return [];
	const startedAt = generation;
	const results = await reads.routes(labels);
	if (generation === startedAt) {
		const now = Date.now();
		const found = new Map(results.map((target) => [target.label, target]));
		for (const label of labels) cache.set(label, found.get(label) ?? null, now);
	}
	return results;
}
