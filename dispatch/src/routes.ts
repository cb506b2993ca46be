/**
 * Label → route target, from the platform's storage on a miss (PlatformReads: D1 in production, the
 * control process locally) and from the isolate's cache otherwise. A lookup that started before an
 * invalidation does not write its (possibly old) answer back into the cache.
 *
 * A cached answer comes back synchronously (not as a promise), so a warm request goes from the Host
 * header to the runtime's fetch without yielding once.
 *
 * Locally the control process loads a runtime process's whole route table when the process starts
 * serving (`loadRoutes`, local/control/route-preload.ts), so that a first request to a host after a
 * restart reads nothing. Such a process gets every route move's refresh (RouteControl fans each out to
 * every live process), so from then on its entries do not expire; production's isolates, which the
 * API cannot all reach, keep the TTL.
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
/** Set once this isolate's route table was loaded by a caller that sends it every route move (see above). */
let keptFresh = false;
const ttl = () => (keptFresh ? Number.POSITIVE_INFINITY : ROUTE_TTL_MS);

/** The label's target (null: no such route): the cached one as a plain value, else a read. */
export function resolveRoute(reads: PlatformReads, label: string): MaybePromise<RouteTarget | null> {
	const cached = cache.get(label);
	return cached !== undefined ? cached : lookupRoute(reads, label);
}

async function lookupRoute(reads: PlatformReads, label: string): Promise<RouteTarget | null> {
	const startedAt = generation;
	// One indexed read on a miss.
	const [target = null] = await reads.routes([label]);
	if (generation === startedAt) cache.set(label, target, Date.now(), ttl());
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
		for (const label of labels) cache.set(label, found.get(label) ?? null, now, ttl());
	}
	return results;
}

/** Changes each time cached routes are dropped: a route table read before a change must not be loaded after it. */
export const routeGeneration = (): number => generation;

/**
 * Keeps these routes, read from the platform's storage when `routeGeneration()` was `since`, and from
 * then on keeps every route until a refresh drops it (see above). Nothing is kept when a route was
 * dropped since (a route moved while the table was read): the labels are then read on their first
 * request as before. Returns how many routes were kept.
 */
export function loadRoutes(targets: readonly RouteTarget[], since: number): number {
	if (generation !== since) return 0;
	keptFresh = true;
	const now = Date.now();
	// Oldest first: past MAX_ROUTES the cache keeps the last ones set.
	for (const target of targets) cache.set(target.label, target, now, ttl());
	return Math.min(targets.length, MAX_ROUTES);
}
