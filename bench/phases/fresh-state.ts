/**
 * The platform on a fresh state (.ferry/bench-state/run/, removed before and after), with the hot
 * set, the JS and WASI hello worlds deployed; it lives through the whole run (the hot set with only
 * 10 deployed is compared against the large state's), and serves the hello world comparisons, cold
 * starts and deploys at the end.
 */
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import type { FerryApi } from "../../workers/shared/api-client/index.ts";
import { formatMs } from "../../workers/shared/format.ts";
import { apiUrl, createTenant, deploy, jsBundle, secretsBundle, wasiBundle } from "../api.ts";
import { DIRECT_HOST, HOP_HOST, startBaseline } from "../baseline.ts";
import { onCleanup } from "../cleanup.ts";
import { SECRETS } from "../hello.ts";
import { log } from "../log.ts";
import { deploySmallAssetSite, measureAssetRedeploys } from "../measure/assets.ts";
import {
	deployD1Reader,
	deployKvReader,
	deployObjectCaller,
	deployR2Reader,
	deployRpcCaller,
	KV_HOST,
	measureBindings,
} from "../measure/bindings.ts";
import { measureFirstAfterDeploy } from "../measure/cold-start.ts";
import { compareLoads } from "../measure/compare.ts";
import { measureDeploys } from "../measure/deploy-latency.ts";
import { measureDeployThroughput } from "../measure/deploy-throughput.ts";
import { measureTelemetry } from "../measure/telemetry.ts";
import { type CpuLoad, measureWasi, WASI_SCRIPT } from "../measure/wasi.ts";
import type { BenchOptions } from "../options.ts";
import { type BenchPlatform, startPlatform } from "../platform.ts";
import { type Probe, probe } from "../probe.ts";
import { formatRate } from "../report/format.ts";
import type { LoadSettings, Results } from "../results.ts";
import { BENCH_STATE, seedBundle, seedName } from "../seed.ts";
import { median } from "../stats.ts";

/** The 10 scripts of the scale rows: the first 10 of the large state, deployed alone here. */
export const HOT_SET = Array.from({ length: 10 }, (_, index) => seedName(index));

export interface FreshPlatform {
	bench: BenchPlatform;
	api: FerryApi;
	/** The tenant's token (the spawned `ferry deploy` of the asset redeploys uses it). */
	token: string;
	/** Where the asset sites' project directories go (removed with the state). */
	projectsDir: string;
	stop(): Promise<void>;
}

/** The assets-only site whose "/" is a small file (measure/assets.ts). */
const ASSET_HOST = "hello-assets.localhost";

export async function startFreshPlatform(): Promise<FreshPlatform> {
	const stateDir = path.join(BENCH_STATE, "run");
	const projectsDir = path.join(BENCH_STATE, "run-projects");
	const removeState = () => {
		rmSync(stateDir, { recursive: true, force: true });
		rmSync(projectsDir, { recursive: true, force: true });
	};
	removeState();
	mkdirSync(stateDir, { recursive: true });
	const forgetState = onCleanup(removeState, removeState);
	log("starting the platform on a fresh state");
	const bench = await startPlatform(stateDir);
	const { api, token } = await createTenant(bench.port, bench.adminToken, "bench");
	await Promise.all(HOT_SET.map((_, index) => deploy(api, seedBundle(index))));
	await deploy(api, jsBundle("hello"));
	await deploy(api, wasiBundle(WASI_SCRIPT));
	await deployKvReader(api);
	await deployRpcCaller(api);
	await deployR2Reader(api);
	await deployObjectCaller(api);
	await deployD1Reader(api);
	await deploy(api, secretsBundle("hello-secrets"));
	// One change, one deployment: the live one now has the 8 secrets in its env.
	await api.patchSecrets("hello-secrets", SECRETS);
	await deploySmallAssetSite(api, path.join(projectsDir, "hello-assets"), "hello-assets");
	return {
		bench,
		api,
		token,
		projectsDir,
		stop: async () => {
			await bench.stop();
			forgetState();
			removeState();
		},
	};
}

type HelloResults = Pick<Results, "dispatched" | "direct" | "hop" | "dispatchedOne" | "directOne" | "hopOne">;
export type FreshStateResults = HelloResults &
	Pick<Results, "wasi" | "bindings" | "secrets" | "telemetry" | "coldStart" | "deployMs" | "deployThroughput" | "assets">;

export async function freshStateMeasurements(fresh: FreshPlatform, options: BenchOptions): Promise<FreshStateResults> {
	const { bench, api, token, projectsDir } = fresh;
	const { port } = bench;
	const hello = { port, host: "hello.localhost" };
	const baseline = await startBaseline();
	const direct = { port: baseline.port, host: DIRECT_HOST };
	const hop = { port: baseline.hopPort, host: HOP_HOST };
	let results: HelloResults;
	try {
		log("JS hello world: dispatched, direct, and direct behind one service-binding hop");
		const [dispatchedMany, directMany, hopMany] = await compareLoads(options.load, [hello, direct, hop]);
		log(
			`  ${formatRate(dispatchedMany.requestsPerSecond)} dispatched, ${formatRate(directMany.requestsPerSecond)} direct, ${formatRate(hopMany.requestsPerSecond)} hop`,
		);
		log("the same over one connection");
		const [dispatchedOne, directOne, hopOne] = await compareLoads(options.load, [hello, direct, hop], 1);
		log(`  p50 ${formatMs(dispatchedOne.p50)} dispatched, ${formatMs(directOne.p50)} direct, ${formatMs(hopOne.p50)} hop`);
		results = { dispatched: dispatchedMany, direct: directMany, hop: hopMany, dispatchedOne, directOne, hopOne };
	} finally {
		await baseline.stop();
	}

	log("a small asset through the dispatcher, and the JS hello world, alternately");
	const [asset, assetHello] = await compareLoads(options.load, [{ port, host: ASSET_HOST }, hello]);
	log(`  ${formatRate(asset.requestsPerSecond)} asset, ${formatRate(assetHello.requestsPerSecond)} hello world`);

	const wasi = await wasiAgainstHello(fresh, options.load);

	log("a warm KV read, a service binding RPC and a small R2 get per request, and the JS hello world, one connection, alternately");
	const bindings = await measureBindings(options.load, port);
	log(
		`  p50 ${formatMs(bindings.kv.p50)} KV read, ${formatMs(bindings.rpc.p50)} service RPC, ${formatMs(bindings.r2.p50)} R2 get, ${formatMs(bindings.hello.p50)} hello world (${KV_HOST})`,
	);
	log("the hello world reading 8 secrets from env, and the JS hello world, alternately");
	const [withSecrets, withoutSecrets] = await compareLoads(options.load, [{ port, host: "hello-secrets.localhost" }, hello]);
	log(`  ${formatRate(withSecrets.requestsPerSecond)} with secrets, ${formatRate(withoutSecrets.requestsPerSecond)} without`);
	const secrets = { secrets: withSecrets, hello: withoutSecrets };

	const telemetry = await measureTelemetry(options.load, port, token);
	logTelemetry(telemetry);

	const pinned = probe(port);
	try {
		log(`first requests after a deploy (${options.coldSamples} new scripts)`);
		const coldStart = await measureFirstAfterDeploy(api, pinned, options.coldSamples);
		log(`  median first request ${formatMs(median(coldStart.coldMs))}, warm ${formatMs(median(coldStart.warmMs))}`);

		const deployMs = await deployLatency(fresh, options.deploys, pinned);

		const deployThroughput = await deployBurst(fresh, options.deployBurst);

		log(`redeploys of a 1,000-file site with one file changed (${options.assetRedeploys}, ferry deploy spawned)`);
		const redeploys = await measureAssetRedeploys(apiUrl(port), token, pinned, path.join(projectsDir, "site-1000"), options.assetRedeploys);
		log(`  median ${formatMs(median(redeploys.map((r) => r.endToEndMs)))}`);
		return {
			...results,
			wasi,
			bindings,
			secrets,
			telemetry,
			coldStart,
			deployMs,
			deployThroughput,
			assets: { small: asset, hello: assetHello, redeploys },
		};
	} finally {
		pinned.close();
	}
}

/** The WASI row's alternation (measure/wasi.ts), logged. */
export async function wasiAgainstHello({ bench }: FreshPlatform, settings: LoadSettings): Promise<Results["wasi"]> {
	log("WASI hello world and the JS hello world, dispatched, alternately");
	const wasi = await measureWasi(settings, bench.port, () => bench.workerdProcesses());
	const cpu = ({ cpuUsPerRequest: { control, runtimes } }: CpuLoad) => `${Math.round(control + runtimes)} µs CPU/request`;
	log(
		`  ${formatRate(wasi.wasi.requestsPerSecond)} WASI (${cpu(wasi.wasi)}), ${formatRate(wasi.hello.requestsPerSecond)} JS (${cpu(wasi.hello)})`,
	);
	return wasi;
}

/** The deploy row's redeploys of one script (measure/deploy-latency.ts), logged; over `pinned`, else a connection of its own. */
export async function deployLatency({ bench, api }: FreshPlatform, deploys: number, pinned?: Probe): Promise<number[]> {
	log(`deploy latency (${deploys} deploys)`);
	const connection = pinned ?? probe(bench.port);
	try {
		const deployMs = await measureDeploys(api, connection, deploys);
		log(`  p50 ${formatMs(median(deployMs))}`);
		return deployMs;
	} finally {
		if (!pinned) connection.close();
	}
}

/** The deploys-per-second row's burst of new scripts (measure/deploy-throughput.ts), logged. */
export async function deployBurst({ bench, api }: FreshPlatform, count: number): Promise<Results["deployThroughput"]> {
	log(`deploys per second: ${count} new scripts, 8 in flight`);
	const burst = await measureDeployThroughput(api, () => bench.workerdProcesses(), count);
	const { control, runtimes, client } = burst.cpuMsPerDeploy;
	log(
		`  ${(count / burst.seconds).toFixed(1)} deploys/s; CPU per deploy: control ${formatMs(control)}, runtimes ${formatMs(runtimes)}, client ${formatMs(client)}`,
	);
	return burst;
}

export function logTelemetry({ on, off, onOne, offOne, tailMs }: Awaited<ReturnType<typeof measureTelemetry>>): void {
	log(
		`  collection on ${formatRate(on.requestsPerSecond)}, off ${formatRate(off.requestsPerSecond)}; p50 ${formatMs(onOne.p50)} on, ${formatMs(offOne.p50)} off`,
	);
	log(`  live tail: median ${formatMs(median(tailMs))} from a response read to its line`);
}
