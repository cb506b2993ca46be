/**
 * Per-request limits from the tenant's plan (D1 `plans`, keyed by `tenants.plan`), handed to the runtime
 * with every request. Cached per isolate, so a warm request reads no D1 and does not even await: a
 * plan change reaches every isolate within PLAN_TTL_MS.
 */

import { BoundedMap } from "../../../workers/shared/bounded-map";
import type { MaybePromise } from "../../../workers/shared/maybe-promise";
import { DEFAULT_PLAN_LIMITS, type PlanLimits } from "../../../workers/shared/runtime/plans";

export type { PlanLimits } from "../../../workers/shared/runtime/plans";

export const PLAN_TTL_MS = 60_000;
const cache = new BoundedMap<string, PlanLimits>({ maxEntries: 10_000, ttlMs: PLAN_TTL_MS });

const LOOKUP = `SELECT p.cpu_ms AS cpuMs, p.sub_requests AS subRequests
	FROM tenants t JOIN plans p ON p.name = t.plan WHERE t.id = ?1`;

/** The tenant's limits: the cached ones as a plain value, else a promise of a D1 read. */
export function limitsFor(db: D1Database, tenantId: string): MaybePromise<PlanLimits> {
	return cache.get(tenantId) ?? loadLimits(db, tenantId);
}

/** A miss: one indexed D1 read, then cached (concurrent misses may both read). */
async function loadLimits(db: D1Database, tenantId: string): Promise<PlanLimits> {
	const limits = (await db.prepare(LOOKUP).bind(tenantId).first<PlanLimits>()) ?? { ...DEFAULT_PLAN_LIMITS };
	cache.set(tenantId, limits);
	return limits;
}
