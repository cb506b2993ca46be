/**
 * Operator endpoints for plans: the per-request limits (CPU ms, subrequests) every tenant on a plan gets,
 * and its monthly budgets (requests, CPU ms; docs/limits.md, "Budgets").
 * A plan with no row here gets DEFAULT_PLAN_LIMITS. Dispatchers cache a tenant's limits for up to a
 * minute (dispatch/src/runtime/plans.ts), so a change reaches every request within that.
 */
import { asc } from "drizzle-orm";
import { z } from "zod";
import { plans } from "../../../shared/db/schema";
import { PLAN_NAME } from "../../../shared/names";
import { DEFAULT_PLAN_LIMITS, PLAN_LIMIT_BOUNDS } from "../../../shared/runtime/plans";
import { iso } from "../../../shared/time";
import { requireAdmin } from "../auth/middleware";
import { liftStops } from "../budgets";
import { factory } from "../env";
import { validate } from "../validate";
import type { PlanView } from "../views";

const budget = z.number().int().min(PLAN_LIMIT_BOUNDS.budget.min).max(PLAN_LIMIT_BOUNDS.budget.max).nullable().default(null);

const planBody = z.strictObject({
	cpu_ms: z.number().int().min(PLAN_LIMIT_BOUNDS.cpuMs.min).max(PLAN_LIMIT_BOUNDS.cpuMs.max),
	sub_requests: z.number().int().min(PLAN_LIMIT_BOUNDS.subRequests.min).max(PLAN_LIMIT_BOUNDS.subRequests.max),
	// Monthly, over all of a tenant's scripts (docs/limits.md, "Budgets"); left out or null: none.
	requests_budget: budget,
	cpu_ms_budget: budget,
});

const planName = z.object({ name: z.string().regex(PLAN_NAME, "a plan name is 1-32 characters of a-z, 0-9 and '-'") });

type PlanRow = typeof plans.$inferSelect;

export const planView = (row: PlanRow): PlanView => ({
	name: row.name,
	cpu_ms: row.cpuMs,
	sub_requests: row.subRequests,
	requests_budget: row.requestsBudget,
	cpu_ms_budget: row.cpuMsBudget,
	updated_at: iso(row.updatedAt),
});

export const defaultLimitsView = () => ({ cpu_ms: DEFAULT_PLAN_LIMITS.cpuMs, sub_requests: DEFAULT_PLAN_LIMITS.subRequests });

export const planEndpoints = factory
	.createApp()
	.use(requireAdmin)
	.get("/", async (c) => {
		const rows = await c.var.db.select().from(plans).orderBy(asc(plans.name));
		return c.json({ plans: rows.map(planView), default: defaultLimitsView() });
	})
	.put("/:name", validate("param", planName), validate("json", planBody), async (c) => {
		const { name } = c.req.valid("param");
		const body = c.req.valid("json");
		const values = {
			cpuMs: body.cpu_ms,
			subRequests: body.sub_requests,
			requestsBudget: body.requests_budget,
			cpuMsBudget: body.cpu_ms_budget,
			updatedAt: Date.now(),
		};
		const [row] = await c.var.db
			.insert(plans)
			.values({ name, ...values })
			.onConflictDoUpdate({ target: plans.name, set: values })
			.returning();
		// A plan change restores the service of its tenants past a budget (the next check judges them by the new one).
		await liftStops(c.env, c.var.db, { plan: name });
		return c.json({ plan: planView(row!) });
	});
