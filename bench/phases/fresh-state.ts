/**
 * The phase on a fresh state (.ferry/bench-state/run/, removed before and after): the hot set with
 * only itself deployed, the hello worlds dispatched and direct, WASI, cold starts and deploys.
 */
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { createTenant, deploy, jsBundle, wasiBundle } from "../api.ts";
import { startBaseline } from "../baseline.ts";
import { onCleanup } from "../cleanup.ts";
import { log } from "../log.ts";
import { measureColdStarts } from "../measure/cold-start.ts";
import { measureDeploys } from "../measure/deploy-latency.ts";
import { measureLoad } from "../measure/load.ts";
import type { BenchOptions } from "../options.ts";
import { startPlatform } from "../platform.ts";
import { probe } from "../probe.ts";
import { formatMs, formatRate } from "../report/format.ts";
import type { Results } from "../results.ts";
import { median } from "../stats.ts";
import { BENCH_STATE, seedBundle } from "../seed.ts";
import { HOT_SET } from "./large-state.ts";

export type FreshStateResults = Pick<Results, "dispatched" | "direct" | "dispatchedOne" | "directOne" | "wasi" | "coldStart" | "deployMs"> & {
	few: Results["scale"]["few"];
};

export async function freshStatePhase(options: BenchOptions): Promise<FreshStateResults> {
	const stateDir = path.join(BENCH_STATE, "run");
	const removeState = () => rmSync(stateDir, { recursive: true, force: true });
	removeState();
	mkdirSync(stateDir, { recursive: true });
	const forgetState = onCleanup(removeState, removeState);
	log("starting the platform on a fresh state");
	const bench = await startPlatform(stateDir);
	const pinned = probe(bench.port);
	try {
		const { api } = await createTenant(bench.port, bench.adminToken, "bench");
		const port = bench.port;

		await Promise.all(HOT_SET.map((_, index) => deploy(api, seedBundle(index))));
		log("hot set of 10 with 10 deployed");
		const few = await measureLoad(options.load, { port, labels: HOT_SET });
		log(`  ${formatRate(few.requestsPerSecond)}`);

		await deploy(api, jsBundle("hello"));
		await deploy(api, wasiBundle("hello-wasi"));
		const baseline = await startBaseline();
		let dispatched, direct, dispatchedOne, directOne;
		try {
			log("JS hello world, dispatched and direct");
			dispatched = await measureLoad(options.load, { port, host: "hello.localhost" });
			direct = await measureLoad(options.load, { port: baseline.port, host: "hello.localhost" });
			log(`  ${formatRate(dispatched.requestsPerSecond)} dispatched, ${formatRate(direct.requestsPerSecond)} direct`);
			log("the same over one connection");
			dispatchedOne = await measureLoad(options.load, { port, host: "hello.localhost" }, 1);
			directOne = await measureLoad(options.load, { port: baseline.port, host: "hello.localhost" }, 1);
			log(`  p50 ${formatMs(dispatchedOne.p50)} dispatched, ${formatMs(directOne.p50)} direct`);
		} finally {
			await baseline.stop();
		}

		log("WASI hello world, dispatched");
		const wasi = await measureLoad(options.load, { port, host: "hello-wasi.localhost" });
		log(`  ${formatRate(wasi.requestsPerSecond)}`);

		log(`cold starts (${options.coldSamples} new scripts)`);
		const coldStart = await measureColdStarts(api, pinned, options.coldSamples);
		log(`  median first request ${formatMs(median(coldStart.coldMs))}, warm ${formatMs(median(coldStart.warmMs))}`);

		log(`deploy latency (${options.deploys} deploys)`);
		const deployMs = await measureDeploys(api, pinned, options.deploys);
		log(`  p50 ${formatMs(median(deployMs))}`);

		return { few, dispatched, direct, dispatchedOne, directOne, wasi, coldStart, deployMs };
	} finally {
		pinned.close();
		await bench.stop();
		forgetState();
		removeState();
	}
}
