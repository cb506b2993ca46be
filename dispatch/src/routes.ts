/**
 * Label → route target, from D1 on a miss and from the isolate's cache otherwise. A lookup that
 * started before an invalidation does not write its (possibly old) answer back into the cache.
 */
import type { RouteTarget } from "../../workers/shared/runtime/route";
import { RouteCache } from "./route-cache";

/** Enough for every hot hostname of a large installation; each entry is a few hundred bytes. */
const MAX_ROUTES = 20_000;
/** How long an isolate the API could not reach may serve an old route (production has many isolates). */
const ROUTE_TTL_MS = 30_000;

const cache = new RouteCache(MAX_ROUTES, ROUTE_TTL_MS);
let generation = 0;

const LOOKUP = `SELECT r.label, r.script_name AS scriptName, r.deployment_id AS deploymentId, s.tenant_id AS tenantId
	FROM routes r JOIN scripts s ON s.id = r.script_id WHERE r.label = ?1`;

export async function resolveRoute(db: D1Database, label: string): Promise<RouteTarget | null> {
	const cached = cache.get(label, Date.now());
	if (cached !== undefined) return cached;
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

export const cachedRouteCount = () => cache.size;
