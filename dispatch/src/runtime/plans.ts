/**
 * Per-request limits from the tenant's plan (D1 `plans`, keyed by `tenants.plan`), handed to the runtime
 * with every request. Cached per isolate, so a warm request reads nothing and does not even await: a
 * plan change reaches every isolate within PLAN_TTL_MS.
 */
import { BoundedMap } from "../../../workers/shared/bounded-map";
import type { MaybePromise } from "../../../workers/shared/maybe-promise";
import type { PlatformReads } from "../../../workers/shared/platform";
import type { PlanLimits } from "../../../workers/shared/runtime/plans";

export type { PlanLimits } from "../../../workers/shared/runtime/plans";

export const PLAN_TTL_MS = 60_000;

const cache = new BoundedMap<string, PlanLimits>({ maxEntries: 10_000, ttlMs: PLAN_TTL_MS });

/** The tenant's limits: the cached ones as a plain value, else a promise of a read. */
export function limitsFor(reads: PlatformReads, tenantId: string): MaybePromise<PlanLimits> {
	return cache.get(tenantId) ?? loadLimits(reads, tenantId);
}

/** A miss: one indexed read, then cached (concurrent misses may both read). */
async function loadLimits(reads: PlatformReads, tenantId: string): Promise<PlanLimits> {
	const limits = await reads.limits(tenantId);
	cache.set(tenantId, limits);
	return limits;
}
