/**
 * Per-request limits from the tenant's plan (D1 `plans`, keyed by `tenants.plan`), handed to the runtime
 * with every request. Cached per isolate, so a warm request reads no D1 and does not even await: a
 * plan change reaches every isolate within PLAN_TTL_MS.
 */

import type { MaybePromise } from "../../../workers/shared/maybe-promise";
import { DEFAULT_PLAN_LIMITS, type PlanLimits } from "../../../workers/shared/runtime/plans";
import { TtlCache } from "../../../workers/shared/ttl-cache";

export type { PlanLimits } from "../../../workers/shared/runtime/plans";

export const PLAN_TTL_MS = 60_000;
const cache = new TtlCache<string, PlanLimits>(10_000, PLAN_TTL_MS);

const LOOKUP = `SELECT p.cpu_ms AS cpuMs, p.sub_requests AS subRequests
	FROM tenants t JOIN plans p ON p.name = t.plan WHERE t.id = ?1`;

/** The tenant's limits: the cached ones as a plain value, else a promise of a D1 read. */
export function limitsFor(db: D1Database, tenantId: string): MaybePromise<PlanLimits> {
	return (
		cache.peek(tenantId) ??
		cache.get(tenantId, async () => (await db.prepare(LOOKUP).bind(tenantId).first<PlanLimits>()) ?? { ...DEFAULT_PLAN_LIMITS })
	);
}
