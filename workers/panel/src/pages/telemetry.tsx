/**
 * A script's logs (the history, filtered, and the live log the page's script fills), its metrics
 * (charts per step, overall and per deployment) and the tenant's usage this month: the pages of the
 * API's logs, tail, metrics and usage endpoints (docs/telemetry.md).
 */
import type {
	AllUsageAnswer,
	Budget as BudgetView,
	Invocation,
	MetricsAnswer,
	MetricsPoint,
	UsageAnswer,
} from "../../../shared/api-client/types.ts";
import { formatMs } from "../../../shared/format";
import type { Session } from "../env";
import { LIVE_LOGS_PATH } from "../static/routes";
import { Chart, type ChartSeries } from "./chart";
import { Layout, Time } from "./layout";
import { scriptPath } from "./scripts";

function InvocationEntry({ record }: { record: Invocation }) {
	const what = record.event === "fetch" ? `${record.method} ${record.path}` : record.event;
	return (
		<li class="invocation">
			<div class="head">
				<Time iso={record.time} /> <span class={`status status-${String(record.status ?? 0).slice(0, 1)}xx`}>{record.status ?? "---"}</span>{" "}
				<code>{what}</code> {record.wall_ms === null ? "" : formatMs(record.wall_ms)}
				{record.outcome !== "ok" ? <span class="problem"> {record.outcome}</span> : null}
			</div>
			{record.logs.map((line) => (
				<div class={`line level-${line.level}`}>
					{line.level} {line.message}
				</div>
			))}
			{record.exception ? (
				<div class="line level-error">
					{record.exception.name}: {record.exception.message}
				</div>
			) : null}
		</li>
	);
}

export interface LogsPageProps {
	session: Session;
	script: string;
	invocations: Invocation[];
	cursor: string | null;
	filters: { status?: string | undefined; q?: string | undefined };
	/** The live stream's URL (this page's filters). */
	liveSrc: string;
	nonce: string | undefined;
}

export function LogsPage({ session, script, invocations, cursor, filters, liveSrc, nonce }: LogsPageProps) {
	const query = (extra: Record<string, string>) =>
		`?${new URLSearchParams({ ...(filters.status ? { status: filters.status } : {}), ...(filters.q ? { q: filters.q } : {}), ...extra })}`;
	return (
		<Layout title={`Logs of ${script}`} session={session}>
			<p>
				<a href={scriptPath(script)}>{script}</a> · <a href={`${scriptPath(script)}/metrics`}>Metrics</a> ·{" "}
				<a href={`${scriptPath(script)}/secrets`}>Secrets</a>
			</p>
			<form method="get" class="filters">
				<label>
					Status <input name="status" value={filters.status ?? ""} placeholder="error, 5xx, 404" />
				</label>{" "}
				<label>
					Text <input name="q" value={filters.q ?? ""} placeholder="in the path or a line" />
				</label>{" "}
				<button type="submit">Filter</button>
			</form>
			<h2>Live</h2>
			<p id="live-status" role="status">
				Connecting…
			</p>
			<ol id="live-log" class="invocations" data-src={liveSrc} aria-label="Live invocations" />
			<h2>History</h2>
			{invocations.length === 0 ? (
				<p>No invocations match.</p>
			) : (
				<ol class="invocations" aria-label="Recent invocations">
					{invocations.map((record) => (
						<InvocationEntry record={record} />
					))}
				</ol>
			)}
			{cursor ? (
				<p>
					<a href={query({ cursor })}>Older</a>
				</p>
			) : null}
			<script src={LIVE_LOGS_PATH} nonce={nonce} />
		</Layout>
	);
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** Distinct at AA contrast on white; the deployments past these (the fewest invocations) are in the table only. */
const DEPLOYMENT_COLOURS = ["#0b57d0", "#b3261e", "#146c2e", "#7d5260", "#8a5a00"];

/** One series per deployment that ran (most invocations first, as the API orders them). */
function byDeployment(metrics: MetricsAnswer, value: (point: MetricsPoint) => number): ChartSeries[] {
	return metrics.deployments.slice(0, DEPLOYMENT_COLOURS.length).map((series, i) => ({
		label: series.deployment_id,
		values: series.points.map(value),
		colour: DEPLOYMENT_COLOURS[i]!,
	}));
}

export function MetricsPage({ session, script, metrics }: { session: Session; script: string; metrics: MetricsAnswer }) {
	const { points } = metrics;
	const from = metrics.since.replace("T", " ").slice(0, 16);
	const to = metrics.until.replace("T", " ").slice(0, 16);
	return (
		<Layout title={`Metrics of ${script}`} session={session}>
			<p>
				<a href={scriptPath(script)}>{script}</a> · <a href={`${scriptPath(script)}/logs`}>Logs</a> ·{" "}
				<a href={`${scriptPath(script)}/secrets`}>Secrets</a> · last <a href="?since=1h">hour</a>, <a href="?since=24h">day</a>,{" "}
				<a href="?since=7d">week</a>
			</p>
			<p>
				{sum(points.map((p) => p.requests))} requests, {sum(points.map((p) => p.errors))} errors, from <Time iso={metrics.since} /> to{" "}
				<Time iso={metrics.until} />, step {metrics.step}.
			</p>
			<Chart
				title="Requests"
				unit="per step"
				from={from}
				to={to}
				series={[
					{ label: "requests", values: points.map((p) => p.requests), colour: "#0b57d0" },
					{ label: "errors", values: points.map((p) => p.errors), colour: "#b3261e" },
				]}
			/>
			<Chart
				title="Wall time"
				unit="ms"
				from={from}
				to={to}
				series={[
					{ label: "p50", values: points.map((p) => p.wall_ms?.p50 ?? null), colour: "#146c2e" },
					{ label: "p99", values: points.map((p) => p.wall_ms?.p99 ?? null), colour: "#7d5260" },
				]}
			/>
			<h2>By deployment</h2>
			{metrics.deployments.length > 1 ? (
				<>
					<Chart title="Requests by deployment" unit="per step" from={from} to={to} series={byDeployment(metrics, (p) => p.requests)} />
					<Chart title="Errors by deployment" unit="per step" from={from} to={to} series={byDeployment(metrics, (p) => p.errors)} />
				</>
			) : null}
			{metrics.deployments.length === 0 ? (
				<p>No invocations in this range.</p>
			) : (
				<table>
					<caption>Each deployment that ran in the range</caption>
					<thead>
						<tr>
							<th scope="col">Deployment</th>
							<th scope="col">Requests</th>
							<th scope="col">Errors</th>
						</tr>
					</thead>
					<tbody>
						{metrics.deployments.map((series) => (
							<tr>
								<th scope="row">
									<code>{series.deployment_id}</code>
								</th>
								<td>{sum(series.points.map((p) => p.requests))}</td>
								<td>{sum(series.points.map((p) => p.errors))}</td>
							</tr>
						))}
					</tbody>
				</table>
			)}
		</Layout>
	);
}

/** "used of budget" for each budget the plan sets; "no budget" for none. */
const budgetText = (budget: BudgetView) =>
	[
		budget.requests && `${budget.requests.used.toLocaleString("en-US")} of ${budget.requests.budget.toLocaleString("en-US")} requests`,
		budget.cpu_ms && `${formatMs(budget.cpu_ms.used)} of ${formatMs(budget.cpu_ms.budget)} of CPU`,
	]
		.filter(Boolean)
		.join(", ") || "no budget";

const BUDGET_NAMES = { requests: "requests", cpu_ms: "CPU" } as const;

/** How close the tenant is to its plan's monthly budgets (docs/limits.md, "Budgets"). */
function TenantBudget({ usage }: { usage: UsageAnswer }) {
	const { budget, tenant } = usage;
	if (!budget.requests && !budget.cpu_ms)
		return (
			<p id="budget">
				Your plan, <strong>{tenant.plan}</strong>, sets no monthly budget: requests and CPU time are counted, never capped.
			</p>
		);
	const meters = [
		["Requests", budget.requests, (n: number) => n.toLocaleString("en-US")],
		["CPU", budget.cpu_ms, formatMs],
	] as const;
	return (
		<>
			<p id="budget" role={budget.exceeded ? "alert" : undefined}>
				Your plan, <strong>{tenant.plan}</strong>, sets a monthly budget: used {budgetText(budget)}.
				{budget.exceeded
					? ` Your scripts are over the ${BUDGET_NAMES[budget.exceeded]} budget: they answer 429 until the next month (UTC) or a plan change.`
					: ""}
			</p>
			<dl class="budgets">
				{meters.map(([label, used, format]) =>
					used ? (
						<>
							<dt>{label}</dt>
							<dd>
								<meter
									min={0}
									max={used.budget}
									high={used.budget * 0.8}
									value={Math.min(used.used, used.budget)}
									aria-label={`${label} used of the budget`}
								/>{" "}
								{format(used.used)} of {format(used.budget)} ({Math.round((used.used / used.budget) * 100)} %)
							</dd>
						</>
					) : null,
				)}
			</dl>
		</>
	);
}

export function UsagePage({ session, usage }: { session: Session; usage: UsageAnswer }) {
	return (
		<Layout title={`Usage in ${usage.month}`} session={session}>
			<TenantBudget usage={usage} />
			<table>
				<caption>What your scripts used this month (UTC)</caption>
				<thead>
					<tr>
						<th scope="col">Script</th>
						<th scope="col">Requests</th>
						<th scope="col">CPU</th>
						<th scope="col">Wall time</th>
					</tr>
				</thead>
				<tbody>
					{usage.scripts.map((line) => (
						<tr>
							<th scope="row">{line.deleted_at ? `${line.script} (deleted)` : <a href={scriptPath(line.script)}>{line.script}</a>}</th>
							<td>{line.requests}</td>
							<td>{formatMs(line.cpu_ms)}</td>
							<td>{formatMs(line.wall_ms)}</td>
						</tr>
					))}
				</tbody>
				<tfoot>
					<tr>
						<th scope="row">Total</th>
						<td>{usage.totals.requests}</td>
						<td>{formatMs(usage.totals.cpu_ms)}</td>
						<td>{formatMs(usage.totals.wall_ms)}</td>
					</tr>
				</tfoot>
			</table>
		</Layout>
	);
}

export function AllUsagePage({ session, usage }: { session: Session; usage: AllUsageAnswer }) {
	return (
		<Layout title={`Usage in ${usage.month}`} session={session}>
			<p id="budget">
				A plan's monthly budgets (see Plans) stop its tenants' scripts with a 429 page once used up, until the next month or a plan change.
			</p>
			<table>
				<caption>What every tenant's scripts used this month (UTC)</caption>
				<thead>
					<tr>
						<th scope="col">Tenant</th>
						<th scope="col">Plan</th>
						<th scope="col">Scripts</th>
						<th scope="col">Requests</th>
						<th scope="col">CPU</th>
						<th scope="col">Wall time</th>
						<th scope="col">Budget</th>
					</tr>
				</thead>
				<tbody>
					{usage.tenants.map((line) => (
						<tr>
							<th scope="row">{line.tenant.name}</th>
							<td>{line.tenant.plan}</td>
							<td>{line.scripts.length}</td>
							<td>{line.totals.requests}</td>
							<td>{formatMs(line.totals.cpu_ms)}</td>
							<td>{formatMs(line.totals.wall_ms)}</td>
							<td>
								{budgetText(line.budget)}
								{line.budget.exceeded ? ` (over: ${BUDGET_NAMES[line.budget.exceeded]}, 429)` : ""}
							</td>
						</tr>
					))}
				</tbody>
				<tfoot>
					<tr>
						<th scope="row">Total</th>
						<td />
						<td>{usage.tenants.reduce((n, line) => n + line.scripts.length, 0)}</td>
						<td>{usage.totals.requests}</td>
						<td>{formatMs(usage.totals.cpu_ms)}</td>
						<td>{formatMs(usage.totals.wall_ms)}</td>
						<td />
					</tr>
				</tfoot>
			</table>
		</Layout>
	);
}
