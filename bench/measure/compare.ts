/**
 * Loads measured alternately (a, b, a, b, …), each keeping its best run (highest throughput).
 * On a shared machine other work slows some runs down; alternating spreads that over both sides,
 * and the best run of each is the least disturbed one.
 */
import type { LoadSettings } from "../results.ts";
import type { LoadResult } from "../wrk-output.ts";
import { type LoadTarget, measureLoad } from "./load.ts";

const best = (runs: LoadResult[]): LoadResult => runs.reduce((x, y) => (y.requestsPerSecond > x.requestsPerSecond ? y : x));

export async function compareLoads<Targets extends LoadTarget[]>(
	settings: LoadSettings,
	targets: [...Targets],
	connections = settings.connections,
): Promise<{ [K in keyof Targets]: LoadResult }> {
	const runs: LoadResult[][] = targets.map(() => []);
	for (let round = 0; round < settings.rounds; round++) {
		for (const [index, target] of targets.entries()) runs[index]!.push(await measureLoad(settings, target, connections));
	}
	return runs.map(best) as { [K in keyof Targets]: LoadResult };
}
