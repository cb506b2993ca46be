/**
 * Deploys per second through the API (issue 19): `count` new scripts uploaded with the CLI's client,
 * `inFlight` at a time, each until Deployed, as the seeding does; with what each process spent in CPU
 * per deploy, which bounds the rate on a small machine whatever the latency.
 */
import type { FerryApi } from "../../workers/shared/api-client/index.ts";
import { deploy, jsBundle } from "../api.ts";
import { inPool } from "../pool.ts";
import { CpuTally } from "../process-cpu.ts";

export interface DeployThroughput {
	deploys: number;
	inFlight: number;
	seconds: number;
	/** CPU milliseconds per deploy: the control process (edge, API, D1, R2), the runtime and probe processes, the client (this process). */
	cpuMsPerDeploy: { control: number; runtimes: number; client: number };
}

export async function measureDeployThroughput(
	api: FerryApi,
	/** The platform's workerd processes (BenchPlatform's workerdProcesses). */
	processes: () => { control: number[]; runtimes: number[] },
	count: number,
	inFlight = 8,
): Promise<DeployThroughput> {
	const prefix = `burst-${Date.now().toString(36)}`;
	const cpu = new CpuTally(processes);
	const clientBefore = process.cpuUsage();
	const started = performance.now();
	await inPool(
		Array.from({ length: count }, (_, index) => index),
		inFlight,
		async (index) => {
			await deploy(api, jsBundle(`${prefix}-${index}`, `burst ${index}\n`));
		},
	);
	const seconds = (performance.now() - started) / 1000;
	const client = process.cpuUsage(clientBefore);
	const { control = 0, runtimes = 0 } = cpu.spentMs();
	return {
		deploys: count,
		inFlight,
		seconds,
		cpuMsPerDeploy: {
			control: control / count,
			runtimes: runtimes / count,
			client: (client.user + client.system) / 1000 / count,
		},
	};
}
