/**
 * Per-request limits from the tenant's plan (D1 `plans`, keyed by `tenants.plan`), handed to the runtime
 * with every request. Cached per isolate: a plan change reaches every isolate within PLAN_TTL_MS.
 */
import { TtlCache } from "../../../workers/shared/ttl-cache";

export interface PlanLimits {
	/** CPU milliseconds per request. */
	cpuMs: number;
	/** Subrequests per request (fetch; in production also calls to bindings). */
	subRequests: number;
}

/**
 * For a plan with no row in `plans` (every plan, until the operator adds rows). 50 ms of CPU and 50
 * subrequests are what Cloudflare's own free plan grants a Worker: enough for an API handler, little
 * for abuse. Documented in docs/deploy-to-cloudflare.md.
 */
export const DEFAULT_PLAN_LIMITS: Readonly<PlanLimits> = { cpuMs: 50, subRequests: 50 };

const PLAN_TTL_MS = 60_000;
const cache = new TtlCache<string, PlanLimits>(10_000, PLAN_TTL_MS);

const LOOKUP = `SELECT p.cpu_ms AS cpuMs, p.sub_requests AS subRequests
	FROM tenants t JOIN plans p ON p.name = t.plan WHERE t.id = ?1`;

export function limitsFor(db: D1Database, tenantId: string): Promise<PlanLimits> {
	return cache.get(tenantId, async () => (await db.prepare(LOOKUP).bind(tenantId).first<PlanLimits>()) ?? { ...DEFAULT_PLAN_LIMITS });
}

/** Drops a tenant's cached limits (tests, or after changing a plan from this isolate). */
export function forgetLimits(tenantId: string): void {
	cache.delete(tenantId);
}
