/**
 * A month's use per tenant (requests, CPU and wall time), per script and in total, from the scripts'
 * telemetry objects, with how close each tenant is to its plan's monthly budgets: what `GET /v1/usage`
 * answers and what the budget check (./budgets/) compares.
 */
import { and, asc, gte, inArray, isNull, lt, or } from "drizzle-orm";
import type { Database } from "../../shared/db";
import { budgetStops, plans, scripts } from "../../shared/db/schema";
import { telemetryOf } from "../../shared/telemetry/api";
import type { ScriptUsage } from "../../shared/telemetry/metrics";
import type { BudgetView, TenantUsageView as TenantUsage } from "./views";

const monthRange = (month: string) => {
	const start = Date.parse(`${month}-01T00:00:00Z`);
	const end = new Date(start);
	end.setUTCMonth(end.getUTCMonth() + 1);
	return { start, end: end.getTime() };
};

/** The scripts that existed at some time in the month: created before its end, not deleted before its start. */
function scriptsOfMonth(db: Database, month: string, tenantIds?: string[]) {
	const { start, end } = monthRange(month);
	const existed = and(lt(scripts.createdAt, end), or(isNull(scripts.deletedAt), gte(scripts.deletedAt, start)));
	return db
		.select({ id: scripts.id, tenantId: scripts.tenantId, name: scripts.name, deletedAt: scripts.deletedAt })
		.from(scripts)
		.where(tenantIds ? and(existed, inArray(scripts.tenantId, tenantIds)) : existed)
		.orderBy(asc(scripts.name));
}

export const sumUsage = (lines: ScriptUsage[]): ScriptUsage =>
	lines.reduce(
		(total, line) => ({
			requests: total.requests + line.requests,
			cpu_ms: total.cpu_ms + line.cpu_ms,
			wall_ms: total.wall_ms + line.wall_ms,
		}),
		{ requests: 0, cpu_ms: 0, wall_ms: 0 },
	);

/** The plans' budgets and the tenants' stops, for the budget part of each tenant's line. */
async function budgetsOf(db: Database, tenantList: TenantUsage["tenant"][], onlyListed: boolean) {
	const ids = tenantList.map((tenant) => tenant.id);
	const [planRows, stopRows] = await Promise.all([
		db.select({ name: plans.name, requests: plans.requestsBudget, cpuMs: plans.cpuMsBudget }).from(plans),
		onlyListed ? db.select().from(budgetStops).where(inArray(budgetStops.tenantId, ids)) : db.select().from(budgetStops),
	]);
	return { plans: new Map(planRows.map((row) => [row.name, row])), stops: new Map(stopRows.map((row) => [row.tenantId, row])) };
}

/**
 * Each listed tenant's use in `month`. `tenantIds` narrows the scripts read to those tenants' (a
 * tenant's own view, the budget check); without it every script of the month is read (the operator's view).
 */
export async function usageOf(
	env: Pick<ApiEnv, "TELEMETRY">,
	db: Database,
	month: string,
	tenantList: TenantUsage["tenant"][],
	tenantIds?: string[],
): Promise<TenantUsage[]> {
	const [rows, budgets] = await Promise.all([scriptsOfMonth(db, month, tenantIds), budgetsOf(db, tenantList, tenantIds !== undefined)]);
	const used =
		rows.length > 0
			? await telemetryOf(env.TELEMETRY).usage(
					rows.map((row) => row.id),
					month,
				)
			: {};
	return tenantList.map((tenant) => {
		const lines = rows
			.filter((row) => row.tenantId === tenant.id)
			.map((row) => ({
				script: row.name,
				deleted_at: row.deletedAt === null ? null : new Date(row.deletedAt).toISOString(),
				...(used[row.id] ?? { requests: 0, cpu_ms: 0, wall_ms: 0 }),
			}));
		const totals = sumUsage(lines);
		const plan = budgets.plans.get(tenant.plan);
		const stop = budgets.stops.get(tenant.id);
		const budget: BudgetView = {
			requests: plan?.requests == null ? null : { used: totals.requests, budget: plan.requests },
			cpu_ms: plan?.cpuMs == null ? null : { used: totals.cpu_ms, budget: plan.cpuMs },
			exceeded: stop && stop.month === month ? stop.budget : null,
		};
		return { tenant, scripts: lines, totals, budget };
	});
}
