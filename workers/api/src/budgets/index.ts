/**
 * Monthly budgets (docs/limits.md, "Budgets"): the check that stops a tenant past its plan's
 * `requests` or `cpu_ms` budget, and the lift when its plan changes. A stop is a `budget_stops` row
 * the dispatcher reads with the tenant's routes; writing or deleting one refreshes those routes in
 * the dispatcher (RouteControl), so the hot path learns of it from the route it already holds and
 * never reads usage itself. The month change lifts a stop with no write (workers/shared/budgets/).
 *
 * The check runs once a minute: the API Worker's cron in production, the local platform's minute
 * tick locally. It reads the month's use from the scripts' rollups (workers/telemetry/), so a stop is
 * as late as telemetry plus at most a minute.
 */
import { and, eq, inArray, isNotNull, notExists, or, sql } from "drizzle-orm";
import { exceededBudget } from "../../../shared/budgets";
import type { Database } from "../../../shared/db";
import { budgetStops, plans, routes, scripts, tenants } from "../../../shared/db/schema";
import { log } from "../../../shared/log";
import { monthOf } from "../../../shared/telemetry/metrics";
import { routeControl, routesMoved } from "../deploy/pipeline";
import { recordEvent } from "../events";
import { usageOf } from "../usage";

/** Tenants asked about at once: one telemetry read of their scripts' use per chunk. */
const CHUNK = 50;

/** D1 binds at most 100 parameters per statement. */
const MAX_BOUND = 90;

/** Every hostname label of the tenants' scripts (live and previews): what the dispatcher must re-read. */
async function labelsOf(db: Database, tenantIds: string[]): Promise<string[]> {
	const labels: string[] = [];
	for (let i = 0; i < tenantIds.length; i += MAX_BOUND) {
		const rows = await db
			.select({ label: routes.label })
			.from(routes)
			.innerJoin(scripts, eq(scripts.id, routes.scriptId))
			.where(inArray(scripts.tenantId, tenantIds.slice(i, i + MAX_BOUND)));
		labels.push(...rows.map((row) => row.label));
	}
	return labels;
}

/**
 * Stops every tenant whose use this month reached one of its plan's budgets and that is not stopped
 * yet; returns the tenants stopped. A stop from an earlier month is replaced.
 */
export async function checkBudgets(env: Pick<ApiEnv, "TELEMETRY" | "ROUTES">, db: Database, now: number): Promise<string[]> {
	const month = monthOf(now);
	const candidates = await db
		.select({ id: tenants.id, name: tenants.name, plan: tenants.plan, requests: plans.requestsBudget, cpuMs: plans.cpuMsBudget })
		.from(tenants)
		.innerJoin(plans, eq(plans.name, tenants.plan))
		.where(
			and(
				or(isNotNull(plans.requestsBudget), isNotNull(plans.cpuMsBudget)),
				notExists(
					db
						.select({ one: sql`1` })
						.from(budgetStops)
						.where(and(eq(budgetStops.tenantId, tenants.id), eq(budgetStops.month, month))),
				),
			),
		);
	const stopped: string[] = [];
	const exceeded: { tenantId: string; detail: Record<string, string> }[] = [];
	for (let i = 0; i < candidates.length; i += CHUNK) {
		const chunk = candidates.slice(i, i + CHUNK);
		const usage = await usageOf(
			env,
			db,
			month,
			chunk.map(({ id, name, plan }) => ({ id, name, plan })),
			chunk.map((tenant) => tenant.id),
		);
		for (const [j, tenant] of chunk.entries()) {
			const over = exceededBudget(usage[j]!.totals, { requests: tenant.requests, cpu_ms: tenant.cpuMs });
			if (!over) continue;
			const stop = { tenantId: tenant.id, month, budget: over.budget, used: over.used, allowed: over.allowed, at: now };
			await db
				.insert(budgetStops)
				.values(stop)
				.onConflictDoUpdate({
					target: budgetStops.tenantId,
					set: { month, budget: over.budget, used: over.used, allowed: over.allowed, at: now },
				});
			stopped.push(tenant.id);
			log.info("a tenant went past its monthly budget; its scripts answer 429", { tenantId: tenant.id, ...over, month });
			exceeded.push({
				tenantId: tenant.id,
				detail: { budget: over.budget, used: String(over.used), allowed: String(over.allowed), month },
			});
		}
	}
	if (stopped.length > 0) await routesMoved(routeControl(env as ApiEnv), await labelsOf(db, stopped));
	// Once the stops are in force: an event that cannot be stored never delays one (recordEvent logs it).
	for (const { tenantId, detail } of exceeded)
		await recordEvent(env, tenantId, { type: "budget_exceeded", script: "", deployment_id: null, detail });
	return stopped;
}

/**
 * A tenant's plan changed, or the budgets of a plan did (every tenant on it): their stops go, and
 * the dispatcher re-reads their routes before the caller answers. The next check stops them again if
 * the new budget is used up too. A stop of this month lifted is a `budget_lifted` event (one of an
 * earlier month had no effect any more: the month's change lifted it, with no event).
 */
export async function liftStops(
	env: Pick<ApiEnv, "ROUTES" | "TELEMETRY">,
	db: Database,
	scope: { tenantId: string } | { plan: string },
): Promise<void> {
	const lifted = await db
		.delete(budgetStops)
		.where(
			"tenantId" in scope
				? eq(budgetStops.tenantId, scope.tenantId)
				: inArray(budgetStops.tenantId, db.select({ id: tenants.id }).from(tenants).where(eq(tenants.plan, scope.plan))),
		)
		.returning({ tenantId: budgetStops.tenantId, budget: budgetStops.budget, month: budgetStops.month });
	if (lifted.length === 0) return;
	const month = monthOf(Date.now());
	for (const stop of lifted.filter((row) => row.month === month))
		await recordEvent(env, stop.tenantId, {
			type: "budget_lifted",
			script: "",
			deployment_id: null,
			detail: { budget: stop.budget, month, reason: "plan_changed" },
		});
	await routesMoved(
		routeControl(env as ApiEnv),
		await labelsOf(
			db,
			lifted.map((row) => row.tenantId),
		),
	);
}
