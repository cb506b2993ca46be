import type { Budget, Usage } from "../../../workers/shared/api-client/types.ts";
import { formatMs } from "../../../workers/shared/format.ts";
import { defineCommand, jsonArg } from "../core/command.ts";

const cells = (usage: Usage) => [String(usage.requests), formatMs(usage.cpu_ms), formatMs(usage.wall_ms)];

/** The plan's monthly budgets, used of each (docs/limits.md, "Budgets"); "none" when it sets none. */
function budgetCell(budget: Budget): string {
	const parts = [
		budget.requests && `${budget.requests.used} of ${budget.requests.budget} requests`,
		budget.cpu_ms && `${formatMs(budget.cpu_ms.used)} of ${formatMs(budget.cpu_ms.budget)} CPU`,
	].filter(Boolean);
	if (parts.length === 0) return "none";
	return budget.exceeded ? `${parts.join(", ")} (over: ${budget.exceeded}, 429)` : parts.join(", ");
}

export default defineCommand({
	meta: {
		description: "Show what your scripts used this month (requests, CPU and wall time); operators: every tenant's",
		examples: ["ferry usage", "ferry usage --month 2026-11", "FERRY_ADMIN_TOKEN=… ferry usage --all"],
	},
	args: {
		month: { type: "string", valueHint: "YYYY-MM", description: "The month (default: this one, UTC)" },
		all: { type: "boolean", description: "Operator: every tenant (needs the admin token)" },
		"admin-token": { type: "string", valueHint: "TOKEN", description: "The operator's admin token (default: FERRY_ADMIN_TOKEN)" },
		...jsonArg,
	},
	async run({ args, out, session }) {
		if (args.all) {
			const usage = await session.admin(args["admin-token"]).allUsage(args.month);
			if (args.json) return out.json(usage);
			out.log(`Usage in ${usage.month}, every tenant:`);
			out.table(
				["tenant", "plan", "scripts", "requests", "cpu", "wall", "budget"],
				usage.tenants.map((line) => [
					line.tenant.name,
					line.tenant.plan,
					String(line.scripts.length),
					...cells(line.totals),
					budgetCell(line.budget),
				]),
				"No tenants.",
			);
			out.log(`total: ${cells(usage.totals).join(", ")}`);
			return;
		}
		const usage = await session.api().usage(args.month);
		if (args.json) return out.json(usage);
		out.log(`Usage of ${usage.tenant.name} in ${usage.month}:`);
		out.table(
			["script", "requests", "cpu", "wall"],
			usage.scripts.map((line) => [line.deleted_at ? `${line.script} (deleted)` : line.script, ...cells(line)]),
			"No scripts ran this month.",
		);
		out.log(`total: ${usage.totals.requests} requests, ${formatMs(usage.totals.cpu_ms)} CPU, ${formatMs(usage.totals.wall_ms)} wall`);
		out.log(
			usage.budget.exceeded
				? `budget: ${budgetCell(usage.budget)}: your scripts answer 429 until the next month (UTC) or a plan change`
				: `budget (plan ${usage.tenant.plan}): ${budgetCell(usage.budget)}`,
		);
	},
});
