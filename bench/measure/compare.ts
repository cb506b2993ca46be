/**
 * Two loads measured alternately (a, b, a, b, …), each keeping its best run (highest throughput).
 * On a shared machine other work slows some runs down; alternating spreads that over both sides,
 * and the best run of each is the least disturbed one.
 */
import type { LoadSettings } from "../results.ts";
import type { LoadResult } from "../wrk-output.ts";
import { type LoadTarget, measureLoad } from "./load.ts";

const best = (runs: LoadResult[]): LoadResult => runs.reduce((x, y) => (y.requestsPerSecond > x.requestsPerSecond ? y : x));

export async function compareLoads(
	settings: LoadSettings,
	a: LoadTarget,
	b: LoadTarget,
	connections = settings.connections,
): Promise<[LoadResult, LoadResult]> {
	const runsA: LoadResult[] = [];
	const runsB: LoadResult[] = [];
	for (let round = 0; round < settings.rounds; round++) {
		runsA.push(await measureLoad(settings, a, connections));
		runsB.push(await measureLoad(settings, b, connections));
	}
	return [best(runsA), best(runsB)];
}
