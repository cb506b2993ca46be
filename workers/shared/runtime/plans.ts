/** What a tenant's plan allows per request: the limits the dispatcher hands the runtime. */

export interface PlanLimits {
	/** CPU milliseconds per request. */
	cpuMs: number;
	/** Subrequests per request (fetch; in production also calls to bindings). */
	subRequests: number;
}

/**
 * For a tenant whose plan has no row in `plans` (every plan until the operator defines one; tenants
 * start on "free"). 50 ms of CPU is Cloudflare's own default for Workers on the old Bundled model and
 * ample for an API handler; 50 subrequests is Cloudflare's per-request cap on its free plan. Both
 * are documented in docs/deploy-to-cloudflare.md and changed per plan with `PUT /v1/plans/:name`.
 */
export const DEFAULT_PLAN_LIMITS: Readonly<PlanLimits> = { cpuMs: 50, subRequests: 50 };

/** The bounds an operator may set: Cloudflare's own ceilings for a Worker on the paid plan. */
export const PLAN_LIMIT_BOUNDS = {
	cpuMs: { min: 1, max: 300_000 },
	subRequests: { min: 0, max: 10_000 },
	/** Monthly budgets: at least one request or CPU millisecond, at most what a D1 integer holds safely in JS. */
	budget: { min: 1, max: Number.MAX_SAFE_INTEGER },
} as const;

/** The monthly budgets a plan may set, each counted over all of a tenant's scripts (docs/limits.md, "Budgets"). */
export const BUDGETS = ["requests", "cpu_ms"] as const;
export type Budget = (typeof BUDGETS)[number];

/** A plan's monthly budgets; null: no budget for that measure. */
export interface PlanBudgets {
	requests: number | null;
	cpu_ms: number | null;
}
