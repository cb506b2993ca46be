/**
 * The phase on the large state (.ferry/bench-state/seeded-<n>/): seed it if needed, compare the hot
 * set of 10 with n deployed against the fresh platform's 10, then the spread runs and workerd's
 * memory at the end.
 */
import { mkdirSync } from "node:fs";
import { formatMs } from "../../workers/shared/format.ts";
import { log } from "../log.ts";
import { type FirstRequests, measureMissingRoutes, measureUnprepared } from "../measure/cold-start.ts";
import { compareLoads } from "../measure/compare.ts";
import { serveEachOnce } from "../measure/distinct.ts";
import { measureLoad } from "../measure/load.ts";
import type { BenchOptions } from "../options.ts";
import { type BenchPlatform, startPlatform } from "../platform.ts";
import { probe } from "../probe.ts";
import { settle } from "../process-cpu.ts";
import { formatRate } from "../report/format.ts";
import type { Results } from "../results.ts";
import { isSeeded, prepareSeedState, seed, seededStateDir, seedName, seedText } from "../seed.ts";
import { median } from "../stats.ts";
import { type FreshPlatform, HOT_SET } from "./fresh-state.ts";

export type LargeStateResults = Pick<Results, "scale" | "spread" | "workerdRssBytes" | "coldUnprepared">;

export async function largeStatePhase(options: BenchOptions, scripts: number, fresh: FreshPlatform): Promise<LargeStateResults> {
	const stateDir = seededStateDir(scripts);
	prepareSeedState(stateDir);
	mkdirSync(stateDir, { recursive: true });
	log(`starting the platform on ${scripts} scripts' state (${stateDir})`);
	const bench = await startPlatform(stateDir);
	try {
		const seeded = await seed({ stateDir, port: bench.port, adminToken: bench.adminToken, count: scripts, concurrency: 8, log });
		log(seeded.reused ? `reusing the ${scripts} seeded scripts` : `seeded ${seeded.deployed} scripts in ${formatMs(seeded.ms)}`);

		const coldUnprepared = await measureColdStarts(bench, scripts, options.coldSamples);

		log(`every one of the ${scripts} scripts requested once (8 in flight)`);
		const distinct = await serveEachOnce({
			port: bench.port,
			labels: Array.from({ length: scripts }, (_, index) => seedName(index)),
			expected: seedText,
			inFlight: 8,
			rss: () => bench.workerdRss(),
			recycles: () => bench.recycles(),
			processes: () => bench.workerdProcesses(),
			log,
		});
		log(
			`  ${distinct.failed} failed in ${formatMs(distinct.seconds * 1000)}, ${distinct.recycles} processes recycled${distinct.failures.length ? `; first failures: ${distinct.failures.join(" | ")}` : ""}`,
		);

		log(`hot set of 10: 10 deployed vs ${scripts} deployed`);
		const [few, many] = await compareLoads(options.load, [
			{ port: fresh.bench.port, labels: HOT_SET },
			{ port: bench.port, labels: HOT_SET },
		]);
		log(`  ${formatRate(few.requestsPerSecond)} vs ${formatRate(many.requestsPerSecond)}`);

		const spread: Results["spread"] = [];
		for (const count of options.spreads.filter((n) => n <= scripts)) {
			log(`spread over ${count} scripts`);
			const labels = Array.from({ length: count }, (_, index) => seedName(index));
			const result = await measureLoad(options.load, { port: bench.port, labels });
			log(`  ${formatRate(result.requestsPerSecond)}`);
			spread.push({ scripts: count, result });
		}
		return {
			scale: {
				deployed: scripts,
				few,
				many,
				seeding: seeded,
				distinct,
			},
			spread,
			coldUnprepared,
			workerdRssBytes: bench.workerdRss(),
		};
	} finally {
		await bench.stop();
	}
}

/**
 * First requests to scripts this platform never served nor prepared, which must be their first
 * requests since it started, once its start-up work is done (settle): `samples` of the newest
 * deployments, whose code the route table's load read ahead (dispatch's PREFETCH_DEPLOYMENTS, 64),
 * then as many from the middle of the range, whose code is read on the request. Neither the hot set
 * nor the spreads (the first 1,000 at most) ever touch them.
 */
async function measureColdStarts(bench: BenchPlatform, scripts: number, samples: number): Promise<Results["coldUnprepared"]> {
	const waited = await settle(() => {
		const { control, runtimes } = bench.workerdProcesses();
		return [...control, ...runtimes];
	});
	log(`cold starts: the platform settled after ${formatMs(waited)}; first requests to scripts it never prepared`);
	const newest = Array.from({ length: samples }, (_, index) => seedName(scripts - 1 - index));
	const middle = Array.from({ length: samples }, (_, index) => seedName(Math.floor(scripts / 2) + index));
	const pinned = probe(bench.port);
	try {
		const readAhead = await measureUnprepared(pinned, newest);
		logFirstRequests(`${samples} of the newest (code read ahead)`, readAhead);
		const notReadAhead = await measureUnprepared(pinned, middle);
		logFirstRequests(`${samples} from the middle (code read on the request)`, notReadAhead);
		return { readAhead, notReadAhead };
	} finally {
		pinned.close();
	}
}

const logFirstRequests = (what: string, { coldMs, warmMs }: FirstRequests) =>
	log(
		`  ${what}: first requests ${coldMs.map((ms) => formatMs(ms)).join(", ")}; median ${formatMs(median(coldMs))}, warm ${formatMs(median(warmMs))}`,
	);

/**
 * `--only cold`: the platform started on the large state (seeded if needed), its unprepared cold
 * starts, then as many first requests to hostnames without a route (the route read alone).
 */
export async function coldStartsOnState(
	options: BenchOptions,
	scripts: number,
): Promise<{ unprepared: Results["coldUnprepared"]; missing: FirstRequests }> {
	const stateDir = seededStateDir(scripts);
	prepareSeedState(stateDir);
	mkdirSync(stateDir, { recursive: true });
	if (!isSeeded(stateDir)) {
		const seeding = await startPlatform(stateDir);
		try {
			const seeded = await seed({ stateDir, port: seeding.port, adminToken: seeding.adminToken, count: scripts, concurrency: 8, log });
			log(`seeded ${seeded.deployed} scripts in ${formatMs(seeded.ms)}`);
		} finally {
			await seeding.stop();
		}
	}
	// A platform started on the state, which has served and prepared nothing, as after a restart.
	log(`starting the platform on ${scripts} scripts' state (${stateDir})`);
	const bench = await startPlatform(stateDir);
	try {
		const unprepared = await measureColdStarts(bench, scripts, options.coldSamples);
		log(`first requests to ${options.coldSamples} hostnames without a route`);
		const pinned = probe(bench.port);
		try {
			const missing = await measureMissingRoutes(pinned, options.coldSamples);
			log(`  median first request ${formatMs(median(missing.coldMs))}, cached ${formatMs(median(missing.warmMs))}`);
			return { unprepared, missing };
		} finally {
			pinned.close();
		}
	} finally {
		await bench.stop();
	}
}
