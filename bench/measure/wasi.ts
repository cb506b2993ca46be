/**
 * The WASI hello world against the JS hello world, dispatched, alternately (issue 19: WASI ÷ JS ≥ 0.8),
 * with what each measured run cost the platform's workerd processes in CPU per request (from /proc):
 * steadier than throughput on a shared machine, and it says which process the WASI request's extra
 * work lands in (the tenant's isolate runs in a runtime process; the edge and the API in the control one).
 */
import { CpuTally } from "../process-cpu.ts";
import type { LoadSettings } from "../results.ts";
import type { LoadResult } from "../wrk-output.ts";
import { measureLoad } from "./load.ts";

export const WASI_SCRIPT = "hello-wasi";
const WASI_HOST = `${WASI_SCRIPT}.localhost`;

/** Microseconds of workerd CPU per request of the measured run: the control process, and the runtime and probe processes summed. */
export interface CpuPerRequest {
	control: number;
	runtimes: number;
}

export type CpuLoad = LoadResult & { cpuUsPerRequest: CpuPerRequest };

export interface WasiResults {
	wasi: CpuLoad;
	hello: CpuLoad;
}

/** The best run of each (highest throughput), and the lowest CPU per request of each side's runs. */
export async function measureWasi(
	settings: LoadSettings,
	port: number,
	/** The platform's workerd processes (BenchPlatform's workerdProcesses). */
	processes: () => { control: number[]; runtimes: number[] },
	helloHost = "hello.localhost",
): Promise<WasiResults> {
	const hosts = [WASI_HOST, helloHost];
	const runs: CpuLoad[][] = hosts.map(() => []);
	for (let round = 0; round < settings.rounds; round++) {
		for (const [index, host] of hosts.entries()) runs[index]!.push(await measured(settings, port, host, processes));
	}
	const [wasi, hello] = runs.map((side) => ({
		...side.reduce((x, y) => (y.requestsPerSecond > x.requestsPerSecond ? y : x)),
		cpuUsPerRequest: {
			control: Math.min(...side.map((run) => run.cpuUsPerRequest.control)),
			runtimes: Math.min(...side.map((run) => run.cpuUsPerRequest.runtimes)),
		},
	}));
	return { wasi: wasi!, hello: hello! };
}

async function measured(
	settings: LoadSettings,
	port: number,
	host: string,
	processes: () => { control: number[]; runtimes: number[] },
): Promise<CpuLoad> {
	// measureLoad's own warm-up run comes first: count around the measured run only.
	let cpu: CpuTally | undefined;
	const result = await measureLoad(settings, { port, host }, settings.connections, () => (cpu = new CpuTally(processes)));
	const { control = 0, runtimes = 0 } = cpu?.spentMs() ?? {};
	const perRequest = (ms: number) => (ms * 1000) / Math.max(result.requests, 1);
	return { ...result, cpuUsPerRequest: { control: perRequest(control), runtimes: perRequest(runtimes) } };
}
