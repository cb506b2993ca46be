/**
 * Monthly budgets (docs/limits.md, "Budgets"): what a stop looks like to the request path. A tenant
 * past its plan's `requests` or `cpu_ms` budget has a `budget_stops` row, read with its routes; the
 * dispatcher answers the 429 page while the stop's month is the current UTC month, so the month change
 * lifts it without any write, and a plan change lifts it by deleting the row.
 */
import type { Budget } from "../runtime/plans";
import type { RouteTarget } from "../runtime/route";
import { monthOf } from "../telemetry/metrics";

export type { Budget, PlanBudgets } from "../runtime/plans";
export { BUDGETS } from "../runtime/plans";

/** The stop a target carries, when it holds now (a month-old stop does not). No I/O: the target is the cached route. */
export function budgetStopOf(
	target: Pick<RouteTarget, "budgetExceeded" | "budgetMonth" | "budgetAllowed">,
	now: number,
): { budget: Budget; allowed: number; month: string } | null {
	if (target.budgetExceeded === null || target.budgetMonth === null) return null;
	const month = monthOf(now);
	return target.budgetMonth === month ? { budget: target.budgetExceeded, allowed: target.budgetAllowed ?? 0, month } : null;
}

/** The start of the UTC month after `now`'s: when a stop of this month ends by itself. */
export function nextMonthStart(now: number): number {
	const date = new Date(now);
	return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/** Which budget `used` went past (reached), if any: requests first. */
export function exceededBudget(
	used: { requests: number; cpu_ms: number },
	budgets: { requests: number | null; cpu_ms: number | null },
): { budget: Budget; used: number; allowed: number } | null {
	if (budgets.requests !== null && used.requests >= budgets.requests)
		return { budget: "requests", used: used.requests, allowed: budgets.requests };
	if (budgets.cpu_ms !== null && used.cpu_ms >= budgets.cpu_ms) return { budget: "cpu_ms", used: used.cpu_ms, allowed: budgets.cpu_ms };
	return null;
}
