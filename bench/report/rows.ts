/** The table's rows, each with the issue's target and whether this run met it. */

import { formatBytes, formatMs } from "../../workers/shared/format.ts";
import { SMALL_ASSET } from "../measure/assets.ts";
import type { FirstRequests } from "../measure/cold-start.ts";
import type { DistinctServe } from "../measure/distinct.ts";
import { describeCpu, type HotPathLoad, type HotPathResults, totalUs } from "../measure/hot-path.ts";
import type { CpuPerRequest } from "../measure/wasi.ts";
import type { Results } from "../results.ts";
import { median, percentile } from "../stats.ts";
import type { LoadResult } from "../wrk-output.ts";
import { formatCount, formatMsDelta, formatRate, formatRatio } from "./format.ts";
import type { Row } from "./table.ts";
import { msAtMost, noneFailed, rateAtLeast, ratioAtLeast, withinFractionOf } from "./targets.ts";

const load = (result: LoadResult) =>
	`${formatRate(result.requestsPerSecond)}, p50 ${formatMs(result.p50)}, p99 ${formatMs(result.p99)}${result.socketErrors ? ` (${formatCount(result.socketErrors)} socket errors)` : ""}`;

/** A warm KV read's cost (measure/bindings.ts); no target yet: it sets the baseline the next issue aims at. */
export const bindingsRows = ({ kv, rpc, r2, object, d1, hello }: Results["bindings"]): Row[] => [
	{
		measurement: "KV get (warm) inside a tenant request, against the JS hello world measured alternately (1 conn)",
		result: `p50 ${formatMs(kv.p50)}, p99 ${formatMs(kv.p99)}; added p50 ${formatMsDelta(kv.p50 - hello.p50)} over the hello world's ${formatMs(hello.p50)}`,
	},
	{
		measurement:
			"Service binding RPC (env.CALC.add, warm) inside a tenant request, against the JS hello world measured alternately (1 conn)",
		result: `p50 ${formatMs(rpc.p50)}, p99 ${formatMs(rpc.p99)}; added p50 ${formatMsDelta(rpc.p50 - hello.p50)} over the hello world's ${formatMs(hello.p50)}`,
	},
	{
		measurement:
			"R2 get of a 14-byte object (warm) inside a tenant request, its body streamed back, against the JS hello world measured alternately (1 conn)",
		result: `p50 ${formatMs(r2.p50)}, p99 ${formatMs(r2.p99)}; added p50 ${formatMsDelta(r2.p50 - hello.p50)} over the hello world's ${formatMs(hello.p50)}`,
	},
	...(object
		? [
				{
					measurement:
						"Durable Object round trip (env.COUNTER.getByName(…).hello(), warm) inside a tenant request, against the JS hello world measured alternately (1 conn)",
					result: `p50 ${formatMs(object.p50)}, p99 ${formatMs(object.p99)}; added p50 ${formatMsDelta(object.p50 - hello.p50)} over the hello world's ${formatMs(hello.p50)}`,
				},
			]
		: []),
	...(d1
		? [
				{
					measurement:
						"D1 single-row read (prepare(…).bind(1).first(), warm) inside a tenant request, against the JS hello world measured alternately (1 conn)",
					result: `p50 ${formatMs(d1.p50)}, p99 ${formatMs(d1.p99)}; added p50 ${formatMsDelta(d1.p50 - hello.p50)} over the hello world's ${formatMs(hello.p50)}`,
				},
			]
		: []),
];

/** The large state's rows: every script served once, the hot set against 10 deployed, the seeding, the spreads, workerd's memory. */
export function scaleRows(
	results: Pick<Results, "scale" | "spread" | "workerdRssBytes">,
	/** How the throughput rows name their connections ("16 conn"). */
	c: string,
): Row[] {
	const { scale } = results;
	return [
		distinctServeRow(scale.distinct, results.workerdRssBytes),
		{ measurement: `Hot set of 10 scripts, 10 deployed (${c})`, result: load(scale.few) },
		{
			measurement: `Hot set of 10 scripts, ${formatCount(scale.deployed)} deployed (${c})`,
			result: `${load(scale.many)}; ${formatRatio(scale.many.requestsPerSecond / scale.few.requestsPerSecond)} × the 10-deployed throughput`,
			target: "within 10% of 10 deployed",
			verdict: withinFractionOf(scale.many.requestsPerSecond, scale.few.requestsPerSecond, 0.1),
		},
		{
			measurement: `Seeding ${formatCount(scale.deployed)} scripts through the API (8 in flight)`,
			result: scale.seeding.deployed
				? `${formatMs(scale.seeding.ms)} for ${formatCount(scale.seeding.deployed)} (${(scale.seeding.deployed / (scale.seeding.ms / 1000)).toFixed(1)} deploys/s)` +
					(scale.seeding.reused ? `, when the kept state was seeded (${scale.seeding.at.slice(0, 10)})` : "")
				: "reused .ferry/bench-state/ (seeding time not recorded)",
		},
		...results.spread.map(({ scripts, result }) => ({
			measurement: `Spread evenly over ${formatCount(scripts)} scripts (${c})`,
			result: load(result),
		})),
		{
			measurement: "workerd RSS after the spread runs",
			result: results.workerdRssBytes === undefined ? "unknown" : formatBytes(results.workerdRssBytes),
		},
	];
}

/**
 * Every script of the large state requested once through the platform (issue 19 item 1): failures,
 * the time it took, the processes recycled meanwhile, workerd's peak RSS during it and its RSS after
 * the hot-set and spread runs that follow (steady).
 */
export function distinctServeRow(serve: DistinctServe, steadyRssBytes: number | undefined): Row {
	const rss = (bytes: number | undefined) => (bytes === undefined ? "unknown" : formatBytes(bytes));
	const cpu = serve.cpuMsPerRequest;
	return {
		measurement: `${formatCount(serve.scripts)} distinct scripts, each requested once through the platform (8 in flight), after seeding`,
		result: `${formatCount(serve.failed)} failed in ${formatMs(serve.seconds * 1000)} (${formatRate(serve.scripts / serve.seconds)}; workerd CPU per request ${formatMs(cpu.control + cpu.runtimes)}: control ${formatMs(cpu.control)}, runtimes ${formatMs(cpu.runtimes)}); ${formatCount(serve.recycles)} processes recycled meanwhile; workerd RSS peak ${rss(serve.peakRssBytes)}, steady ${rss(steadyRssBytes)} (after the hot-set and spread runs)`,
		target: "0 failed",
		verdict: noneFailed(serve.failed, serve.scripts),
	};
}

/** One script redeployed again and again: PUT sent → first 200 with the new version (target p50 ≤ 300 ms). */
export function deployLatencyRow(deployMs: number[]): Row {
	return {
		measurement: `Deploy: PUT sent → first 200 (${deployMs.length} deploys)`,
		result: `p50 ${formatMs(median(deployMs))}, p95 ${formatMs(percentile(deployMs, 95))}`,
		target: "p50 ≤ 300 ms",
		verdict: msAtMost(median(deployMs), 300),
	};
}

/** Deploys per second with several in flight, and the CPU each process spent per deploy (issue 19's target: ≥ 50/s). */
export function deployThroughputRow({ deploys, inFlight, seconds, cpuMsPerDeploy: cpu }: Results["deployThroughput"]): Row {
	const rate = deploys / seconds;
	return {
		measurement: `Deploys per second through the API: ${formatCount(deploys)} new scripts, ${inFlight} in flight, each until Deployed`,
		result: `${rate.toFixed(1)} deploys/s; CPU per deploy ${formatMs(cpu.control + cpu.runtimes + cpu.client)} (control process ${formatMs(cpu.control)}, runtime and probe processes ${formatMs(cpu.runtimes)}, client ${formatMs(cpu.client)})`,
		target: "≥ 50/s",
		verdict: rateAtLeast(rate, 50),
	};
}

/** Collection on ÷ off, the p50 it adds, and the live tail's delivery (issue 15's targets). */
export function telemetryRows({ on, off, onOne, offOne, tailMs }: Results["telemetry"], connections: number): Row[] {
	const ratio = on.requestsPerSecond / off.requestsPerSecond;
	const added = onOne.p50 - offOne.p50;
	const tailP50 = median(tailMs);
	return [
		{
			measurement: `JS hello world, telemetry collection on ÷ off (a second platform without the tail consumer, alternately, ${connections} conn)`,
			result: `${formatRatio(ratio)} (${formatRate(on.requestsPerSecond)} on, ${formatRate(off.requestsPerSecond)} off)`,
			target: "≥ 0.9",
			verdict: ratioAtLeast(ratio, 0.9),
		},
		{
			measurement: "Telemetry collection: added warm p50 (1 conn)",
			result: `${formatMsDelta(added)} (${formatMs(onOne.p50)} on vs ${formatMs(offOne.p50)} off; p99 ${formatMs(onOne.p99)} vs ${formatMs(offOne.p99)})`,
			target: "≤ 0.1 ms",
			verdict: msAtMost(added, 0.1),
		},
		{
			measurement: `Live tail: request answered → its line shown by ferry tail's client (${tailMs.length} requests, one at a time)`,
			result: `p50 ${formatMs(tailP50)}, p99 ${formatMs(percentile(tailMs, 99))}, max ${formatMs(Math.max(...tailMs))}`,
			target: "p50 < 500 ms",
			verdict: msAtMost(tailP50, 500),
		},
	];
}

const HOT_PATH_LOADS: Record<HotPathLoad, string> = {
	direct: "JS hello world, direct",
	hop: "Reference: direct behind one service-binding hop",
	edgeHop: "Reference: direct behind the edge's hop to another process",
	untraced: "JS hello world, dispatched, telemetry collection off",
	dispatched: "JS hello world, dispatched",
};

/**
 * `--only hot`: each load's CPU per request by process, and the dispatched path against the two
 * references (issue 19 item 2: dispatched ÷ one hop ≥ 0.95, as CPU per request, the inverse ratio).
 */
export function hotPathRows(results: HotPathResults, connections: number): Row[] {
	const loads = Object.entries(HOT_PATH_LOADS).map(([name, measurement]): Row => {
		const run = results[name as HotPathLoad];
		return {
			measurement: `${measurement} (${connections} conn)`,
			result: `${describeCpu(run.cpuUs)}; ${formatRate(run.load.requestsPerSecond)}`,
		};
	});
	const cost = (name: HotPathLoad) => totalUs(results[name]);
	const versus = (reference: HotPathLoad, dispatched: HotPathLoad) => cost(reference) / cost(dispatched);
	return [
		...loads,
		{
			measurement: "Dispatched ÷ one-hop reference, as CPU per request (reference ÷ dispatched), telemetry off",
			result: formatRatio(versus("hop", "untraced")),
			target: "≥ 0.95",
			verdict: ratioAtLeast(versus("hop", "untraced"), 0.95),
		},
		{
			measurement: "Dispatched ÷ edge-hop reference (the same process layout), as CPU per request, telemetry off",
			result: formatRatio(versus("edgeHop", "untraced")),
		},
	];
}

/**
 * First requests to scripts the platform started on existing state never served nor prepared
 * (issue 19: ≤ 5 ms above warm): code read ahead with the route table (the newest deployments), and
 * code read on the request (the rest).
 */
export function coldUnpreparedRows({ readAhead, notReadAhead }: Results["coldUnprepared"]): Row[] {
	const row = (which: string, { coldMs, warmMs }: FirstRequests): Row => {
		const cold = median(coldMs);
		const warm = median(warmMs);
		return {
			measurement: `Cold start, unprepared: first request to a script the running platform never served nor prepared, ${which} (median of ${coldMs.length})`,
			result: `${formatMsDelta(cold - warm)} (first request ${formatMs(cold)}, warm ${formatMs(warm)})`,
			target: "≤ 5 ms above warm",
			verdict: msAtMost(cold - warm, 5),
		};
	};
	return [
		row("one of the newest deployments, whose code the route table's load read ahead", readAhead),
		row("an older one, whose code is read on the request", notReadAhead),
	];
}

/** WASI ÷ JS hello world (issue 19's target: ≥ 0.8), with workerd's CPU per request of each, which varies less than throughput. */
export function wasiRow({ wasi, hello }: Results["wasi"], connections: number): Row {
	const ratio = wasi.requestsPerSecond / hello.requestsPerSecond;
	const cpu = ({ control, runtimes }: CpuPerRequest) =>
		`${Math.round(control + runtimes)} µs (control ${Math.round(control)}, runtimes ${Math.round(runtimes)})`;
	return {
		measurement: `WASI hello world, dispatched, against the JS hello world measured alternately (${connections} conn)`,
		result: `${load(wasi)}; ${formatRatio(ratio)} × the JS hello world's ${formatRate(hello.requestsPerSecond)}; workerd CPU per request ${cpu(wasi.cpuUsPerRequest)} against ${cpu(hello.cpuUsPerRequest)}`,
		target: "≥ 0.8",
		verdict: ratioAtLeast(ratio, 0.8),
	};
}

/** `--only cold`: a first request to a hostname no route has, i.e. the route read alone (the miss cached after it). */
export function missingRouteRow({ coldMs, warmMs }: FirstRequests): Row {
	const cold = median(coldMs);
	const warm = median(warmMs);
	return {
		measurement: `First request to a hostname without a route: the route read alone (median of ${coldMs.length})`,
		result: `${formatMsDelta(cold - warm)} (first request ${formatMs(cold)}, the cached 404 ${formatMs(warm)})`,
	};
}

export function rows(results: Results): Row[] {
	const { settings, dispatched, direct, dispatchedOne, directOne, coldStart, deployMs, startReady } = results;
	const c = `${settings.connections} conn`;
	const throughputRatio = dispatched.requestsPerSecond / direct.requestsPerSecond;
	const addedP50 = dispatchedOne.p50 - directOne.p50;
	const cold = median(coldStart.coldMs);
	const warm = median(coldStart.warmMs);
	const best = startReady.reduce((a, b) => (b.processMs < a.processMs ? b : a));
	const reported = startReady.map((sample) => sample.reportedMs).filter((ms) => ms !== undefined);
	const secretsRatio = results.secrets.secrets.requestsPerSecond / results.secrets.hello.requestsPerSecond;
	const assetRatio = results.assets.small.requestsPerSecond / results.assets.hello.requestsPerSecond;
	const redeploys = results.assets.redeploys;

	const table: Row[] = [
		{ measurement: `JS hello world, dispatched (${c})`, result: load(dispatched) },
		{ measurement: `JS hello world, direct (${c})`, result: load(direct) },
		{
			measurement: `Reference: direct behind one service-binding hop (${c})`,
			result: `${load(results.hop)}; hop ÷ direct ${formatRatio(results.hop.requestsPerSecond / direct.requestsPerSecond)}, added p50 (1 conn) ${formatMsDelta(results.hopOne.p50 - directOne.p50)}`,
		},
		{
			measurement: "Throughput, dispatched ÷ direct",
			result: formatRatio(throughputRatio),
			target: "≥ 0.8",
			verdict: ratioAtLeast(throughputRatio, 0.8),
		},
		{
			measurement: "Added warm p50 (1 conn)",
			result: `${formatMsDelta(addedP50)} (${formatMs(dispatchedOne.p50)} dispatched vs ${formatMs(directOne.p50)} direct; p99 ${formatMs(dispatchedOne.p99)} vs ${formatMs(directOne.p99)})`,
			target: "≤ 0.3 ms",
			verdict: msAtMost(addedP50, 0.3),
		},
		{
			measurement: `Cold start: first request to a newly deployed JS hello world, which its deploy prepared (median of ${coldStart.coldMs.length})`,
			result: `${formatMsDelta(cold - warm)} (first request ${formatMs(cold)}, warm ${formatMs(warm)})`,
			target: "≤ 5 ms above warm",
			verdict: msAtMost(cold - warm, 5),
		},
		...coldUnpreparedRows(results.coldUnprepared),
		deployLatencyRow(deployMs),
		deployThroughputRow(results.deployThroughput),
		{
			measurement: `Start → ready: \`npm run dev\` spawn → first API answer, existing state (best of ${startReady.length})`,
			result: `${formatMs(best.processMs)}${reported.length ? ` (node start → ready, as \`npm run dev\` prints it: best ${formatMs(Math.min(...reported))})` : ""}`,
			target: "≤ 2 s",
			verdict: msAtMost(best.processMs, 2000),
		},
		...scaleRows(results, c),
		wasiRow(results.wasi, settings.connections),
		...bindingsRows(results.bindings),
		...telemetryRows(results.telemetry, settings.connections),
		{
			measurement: `Warm request to a script with 8 secrets (read from env each request), against the JS hello world measured alternately (${c})`,
			result: `${load(results.secrets.secrets)}; ${formatRatio(secretsRatio)} × the hello world's ${formatRate(results.secrets.hello.requestsPerSecond)}`,
			target: "≥ 0.9 (no I/O of its own)",
			verdict: ratioAtLeast(secretsRatio, 0.9),
		},
		{
			measurement: `Small asset (${SMALL_ASSET.length} bytes, assets-only site) through the dispatcher, against the JS hello world measured alternately (${c})`,
			result: `${load(results.assets.small)}; ${formatRatio(assetRatio)} × the hello world's ${formatRate(results.assets.hello.requestsPerSecond)}`,
			target: "≥ 0.9",
			verdict: ratioAtLeast(assetRatio, 0.9),
		},
		{
			measurement: `Redeploy of a 1,000-file site with one file changed: \`ferry deploy\` spawned → first 200 with the new file (median of ${redeploys.length})`,
			result: `${formatMs(median(redeploys.map((r) => r.endToEndMs)))} (max ${formatMs(Math.max(...redeploys.map((r) => r.endToEndMs)))}; the CLI's own time ${formatMs(median(redeploys.map((r) => r.cliMs)))}; ${redeploys.every((r) => r.newFiles === 1) ? "1 file uploaded each time" : `files uploaded: ${redeploys.map((r) => r.newFiles).join(", ")}`})`,
			target: "< 1 s",
			verdict: msAtMost(median(redeploys.map((r) => r.endToEndMs)), 1000),
		},
	];
	return table;
}
