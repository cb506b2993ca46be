/**
 * The phase on the large state (.ferry/bench-state/seeded-<n>/): seed it if needed, then the hot set
 * of 10 with n deployed, the spread runs and workerd's memory at the end.
 */
import { mkdirSync } from "node:fs";
import { log } from "../log.ts";
import { measureLoad } from "../measure/load.ts";
import type { BenchOptions } from "../options.ts";
import { startPlatform } from "../platform.ts";
import type { Results } from "../results.ts";
import { formatMs, formatRate } from "../report/format.ts";
import { prepareSeedState, seed, seededStateDir, seedName } from "../seed.ts";

export const HOT_SET = Array.from({ length: 10 }, (_, index) => seedName(index));
const SPREADS = [10, 100, 1000];

export type LargeStateResults = Pick<Results, "spread" | "workerdRssBytes"> & {
	many: Results["scale"]["many"];
	seeding?: Results["scale"]["seeding"];
};

export async function largeStatePhase(options: BenchOptions, scripts: number): Promise<LargeStateResults> {
	const stateDir = seededStateDir(scripts);
	prepareSeedState(stateDir);
	mkdirSync(stateDir, { recursive: true });
	log(`starting the platform on ${scripts} scripts' state (${stateDir})`);
	const bench = await startPlatform(stateDir);
	try {
		const seeded = await seed({ stateDir, port: bench.port, adminToken: bench.adminToken, count: scripts, concurrency: 8, log });
		if (seeded.deployed > 0) log(`seeded ${seeded.deployed} scripts in ${formatMs(seeded.ms)}`);
		else log(`reusing the ${scripts} seeded scripts`);

		log(`hot set of 10 with ${scripts} deployed`);
		const many = await measureLoad(options.load, { port: bench.port, labels: HOT_SET });
		log(`  ${formatRate(many.requestsPerSecond)}`);

		const spread: Results["spread"] = [];
		for (const count of SPREADS.filter((n) => n <= scripts)) {
			log(`spread over ${count} scripts`);
			const labels = Array.from({ length: count }, (_, index) => seedName(index));
			const result = await measureLoad(options.load, { port: bench.port, labels });
			log(`  ${formatRate(result.requestsPerSecond)}`);
			spread.push({ scripts: count, result });
		}
		return {
			many,
			spread,
			workerdRssBytes: bench.workerdRss(),
			...(seeded.deployed > 0 ? { seeding: { scripts: seeded.deployed, ms: seeded.ms } } : {}),
		};
	} finally {
		await bench.stop();
	}
}
