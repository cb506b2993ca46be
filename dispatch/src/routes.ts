/**
 * Label → route target, from D1 on a miss and from the isolate's cache otherwise. A lookup that
 * started before an invalidation does not write its (possibly old) answer back into the cache.
 *
 * A cached answer comes back synchronously (not as a promise), so a warm request goes from the Host
 * header to the runtime's fetch without yielding once.
 */

import { BoundedMap } from "../../workers/shared/bounded-map";
import type { MaybePromise } from "../../workers/shared/maybe-promise";
import type { RouteTarget } from "../../workers/shared/runtime/route";

/** Enough for every hot hostname of a large installation; each entry is a few hundred bytes. */
const MAX_ROUTES = 20_000;
/** How long an isolate the API could not reach may serve an old route (production has many isolates). */
const ROUTE_TTL_MS = 30_000;

/** Label → target, or null for "no such route" (a miss is cached too). */
const cache = new BoundedMap<string, RouteTarget | null>({ maxEntries: MAX_ROUTES, ttlMs: ROUTE_TTL_MS });
let generation = 0;

const COLUMNS =
	"r.label, r.script_name AS scriptName, r.deployment_id AS deploymentId, s.tenant_id AS tenantId, d.asset_files AS assetFiles";
const FROM = "routes r JOIN scripts s ON s.id = r.script_id JOIN deployments d ON d.id = r.deployment_id";
const LOOKUP = `SELECT ${COLUMNS} FROM ${FROM} WHERE r.label = ?1`;
/** D1 binds at most 100 parameters per statement; a deleted script may have a preview label per deployment. */
const MAX_BOUND = 100;
const LOOKUP_MANY = (count: number) =>
	`SELECT ${COLUMNS} FROM ${FROM} WHERE r.label IN (${Array.from({ length: count }, (_, i) => `?${i + 1}`).join(", ")})`;

/** The label's target (null: no such route): the cached one as a plain value, else a D1 read. */
export function resolveRoute(db: D1Database, label: string): MaybePromise<RouteTarget | null> {
	const cached = cache.get(label);
	return cached !== undefined ? cached : lookupRoute(db, label);
}

async function lookupRoute(db: D1Database, label: string): Promise<RouteTarget | null> {
	const startedAt = generation;
	// One indexed read on a miss; a prepared statement rather than the ORM keeps the hot path's code small.
	const target = await db.prepare(LOOKUP).bind(label).first<RouteTarget>();
	if (generation === startedAt) cache.set(label, target, Date.now());
	return target;
}

export function invalidateRoutes(labels: readonly string[]): void {
	generation++;
	for (const label of labels) cache.delete(label);
}

/**
 * Drops the labels' cached routes, then reads their current targets from D1 (one query) into the
 * cache, so the first request after a route move is not a miss. Returns the targets that exist.
 * The entries are gone before the first await: nothing stale is served even if the read fails.
 */
export async function refreshRoutes(db: D1Database, labels: readonly string[]): Promise<RouteTarget[]> {
	invalidateRoutes(labels);
	if (labels.length === 0) return [];
	const startedAt = generation;
	const chunks: (readonly string[])[] = [];
	for (let i = 0; i < labels.length; i += MAX_BOUND) chunks.push(labels.slice(i, i + MAX_BOUND));
	const answers = await db.batch<RouteTarget>(chunks.map((chunk) => db.prepare(LOOKUP_MANY(chunk.length)).bind(...chunk)));
	const results = answers.flatMap((answer) => answer.results);
	if (generation === startedAt) {
		const now = Date.now();
		const found = new Map(results.map((target) => [target.label, target]));
		for (const label of labels) cache.set(label, found.get(label) ?? null, now);
	}
	return results;
}
