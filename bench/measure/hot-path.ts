/**
 * Where a warm request's CPU goes (issue 19 item 2): the JS hello world served directly, behind one
 * in-process service-binding hop, behind the edge's hop to another process (baseline.ts), and
 * dispatched by the platform with telemetry collection off and on. Each load's CPU time (user +
 * system, from /proc) is read per process before and after its run and divided by the requests
 * wrk counted, so that a busy machine moves the throughput far more than these figures: the
 * platform's control process (the edge, and telemetry's store) and its runtime processes (the
 * dispatcher, its Worker Loader isolates and telemetry's tail), the baseline's two processes.
 */
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { createTenant, deploy, jsBundle } from "../api.ts";
import { DIRECT_HOST, EDGE_HOP_HOST, HOP_HOST, startBaseline } from "../baseline.ts";
import { onCleanup } from "../cleanup.ts";
import { log } from "../log.ts";
import { type BenchPlatform, startPlatform } from "../platform.ts";
import { processCpuMs } from "../process-cpu.ts";
import type { LoadSettings } from "../results.ts";
import { BENCH_STATE } from "../seed.ts";
import { workerdPid } from "../workerd-memory.ts";
import type { LoadResult } from "../wrk-output.ts";
import { measureLoad } from "./load.ts";

export type HotPathLoad = "direct" | "hop" | "edgeHop" | "untraced" | "dispatched";

export interface HotPathRun {
	load: LoadResult;
	/** CPU microseconds per request, by process (group): "control", "runtimes", "hello", "edge hop". */
	cpuUs: Record<string, number>;
}

export type HotPathResults = Record<HotPathLoad, HotPathRun>;

const HELLO = "hello.localhost";

/** The pids of a platform's control process and of its other processes (runtimes, isolation runtimes, probe). */
function platformPids(bench: BenchPlatform): Record<string, number[]> {
	const processes = bench.workerdProcesses();
	if (processes.control.length + processes.runtimes.length !== bench.platform.workerdPorts().length)
		throw new Error("a workerd process of the platform was not found in /proc");
	return processes;
}

async function measureCpu(
	settings: LoadSettings,
	target: { port: number; host: string },
	processes: Record<string, number[]>,
): Promise<HotPathRun> {
	const cpu = () =>
		Object.fromEntries(
			Object.entries(processes).map(([name, pids]) => [name, pids.reduce((sum, pid) => sum + (processCpuMs(pid) ?? 0), 0)]),
		);
	// measureLoad's own warm-up run comes first: read the counters around the measured run only.
	let before: Record<string, number> = {};
	const load = await measureLoad(settings, target, settings.connections, () => (before = cpu()));
	const after = cpu();
	const cpuUs = Object.fromEntries(Object.keys(processes).map((name) => [name, ((after[name]! - before[name]!) * 1000) / load.requests]));
	return { load, cpuUs };
}

/** Each load `settings.rounds` times, alternately; for each the run with the least CPU per request (the least disturbed). */
export async function measureHotPath(settings: LoadSettings, traced: BenchPlatform): Promise<HotPathResults> {
	const stateDir = path.join(BENCH_STATE, "run-hot-untraced");
	const removeState = () => rmSync(stateDir, { recursive: true, force: true });
	removeState();
	mkdirSync(stateDir, { recursive: true });
	const forget = onCleanup(removeState, removeState);
	log("a second platform with telemetry collection off, and the baseline");
	const untraced = await startPlatform(stateDir, { telemetry: false });
	const baseline = await startBaseline();
	try {
		const { api } = await createTenant(untraced.port, untraced.adminToken, "bench-hot");
		await deploy(api, jsBundle("hello"));
		const hello = workerdPid(baseline.entryPort);
		const edgeHop = workerdPid(baseline.edgeHopEntryPort);
		if (hello === undefined || edgeHop === undefined) throw new Error("the baseline's workerd processes were not found in /proc");
		const loads: [HotPathLoad, { port: number; host: string }, Record<string, number[]>][] = [
			["direct", { port: baseline.port, host: DIRECT_HOST }, { hello: [hello] }],
			["hop", { port: baseline.hopPort, host: HOP_HOST }, { hello: [hello] }],
			["edgeHop", { port: baseline.edgeHopPort, host: EDGE_HOP_HOST }, { "edge hop": [edgeHop], hello: [hello] }],
			["untraced", { port: untraced.port, host: HELLO }, platformPids(untraced)],
			["dispatched", { port: traced.port, host: HELLO }, platformPids(traced)],
		];
		const runs = new Map<HotPathLoad, HotPathRun[]>();
		for (let round = 0; round < settings.rounds; round++)
			for (const [name, target, processes] of loads) {
				const run = await measureCpu(settings, target, processes);
				log(`  ${name}: ${Math.round(run.load.requestsPerSecond)} req/s, ${describeCpu(run.cpuUs)}`);
				runs.set(name, [...(runs.get(name) ?? []), run]);
			}
		const least = (all: HotPathRun[]) => all.reduce((a, b) => (totalUs(b) < totalUs(a) ? b : a));
		return Object.fromEntries([...runs].map(([name, all]) => [name, least(all)])) as HotPathResults;
	} finally {
		await baseline.stop();
		await untraced.stop();
		forget();
		removeState();
	}
}

export const totalUs = (run: HotPathRun): number => Object.values(run.cpuUs).reduce((sum, us) => sum + us, 0);

export const describeCpu = (cpuUs: Record<string, number>): string =>
	`${Math.round(Object.values(cpuUs).reduce((sum, us) => sum + us, 0))} µs CPU per request (${Object.entries(cpuUs)
		.map(([name, us]) => `${name} ${Math.round(us)}`)
		.join(", ")})`;
