import type { MetricsPoint } from "../../../workers/shared/api-client/types.ts";
import { formatMs } from "../../../workers/shared/format.ts";
import { defineCommand, jsonArg } from "../core/command.ts";
import { formatTime } from "../core/output.ts";
import { projectArgs, scriptFromArgs } from "../project/config.ts";
import { sparkline } from "../telemetry/sparkline.ts";

const ms = (value: number | undefined) => (value === undefined ? "-" : formatMs(value));

export default defineCommand({
	meta: {
		description: "Show a script's requests, errors and latency per step, with sparklines, overall and per deployment",
		examples: [
			"ferry metrics                   # the project's script, the last hour in 5-minute steps",
			"ferry metrics hello --since 24h --step 1h",
			"ferry metrics hello --deployment abc123def0",
		],
	},
	args: {
		script: { type: "positional", required: false, description: "The script (default: the project's name)" },
		since: { type: "string", valueHint: "WHEN", default: "1h", description: "From: a duration ago (30m, 1h, 7d) or an ISO time" },
		until: { type: "string", valueHint: "WHEN", description: "To (default: now)" },
		step: { type: "enum", options: ["1m", "5m", "15m", "1h", "1d"], description: "Step length (default: at most 60 steps)" },
		deployment: { type: "string", valueHint: "ID", description: "Only this deployment's invocations" },
		...projectArgs,
		...jsonArg,
	},
	async run({ args, io, out, session }) {
		const script = await scriptFromArgs(args, io.cwd, "metrics");
		const metrics = await session.api().scriptMetrics(script, {
			since: args.since,
			until: args.until,
			step: args.step ?? (args.since === "1h" && !args.until ? "5m" : undefined),
			deployment: args.deployment,
		});
		if (args.json) return out.json(metrics);
		const { points } = metrics;
		out.log(`${out.style("bold", script)}: ${formatTime(metrics.since)} to ${formatTime(metrics.until)}, step ${metrics.step}`);
		const row = (point: MetricsPoint) => [
			formatTime(point.time),
			String(point.requests),
			point.errors > 0 ? out.style("red", String(point.errors)) : "0",
			String(point.status["2xx"]),
			String(point.status["3xx"]),
			String(point.status["4xx"]),
			String(point.status["5xx"]),
			ms(point.wall_ms?.p50),
			ms(point.wall_ms?.p95),
			ms(point.wall_ms?.p99),
			ms(point.cpu_ms?.p99),
		];
		out.table(["time", "requests", "errors", "2xx", "3xx", "4xx", "5xx", "p50", "p95", "p99", "cpu p99"], points.map(row), "no steps");
		out.log("");
		out.log(`  requests  ${sparkline(points.map((point) => point.requests))}`);
		out.log(`  errors    ${sparkline(points.map((point) => point.errors))}`);
		out.log(`  p99       ${sparkline(points.map((point) => point.wall_ms?.p99 ?? null))}`);
		if (metrics.deployments.length > 1 || args.deployment === undefined) {
			for (const series of metrics.deployments) {
				const requests = series.points.reduce((sum, point) => sum + point.requests, 0);
				const errors = series.points.reduce((sum, point) => sum + point.errors, 0);
				out.log(
					`  ${series.deployment_id}  ${sparkline(series.points.map((point) => point.requests))}  ${requests} requests, ${errors} errors`,
				);
			}
		}
	},
});
