/**
 * One throughput measurement: a short warm-up run, then the measured wrk run. With many hostnames,
 * each one is first requested once: a short warm-up cannot reach all of 1,000 scripts' cold starts
 * (~30 ms each, one after the other), and the run would then measure cold starts, not spreading.
 */

import { formatMs } from "../../workers/shared/format.ts";
import { log } from "../log.ts";
import { probe } from "../probe.ts";
import type { LoadSettings } from "../results.ts";
import { wrk } from "../wrk.ts";
import type { LoadResult } from "../wrk-output.ts";

export type LoadTarget = { port: number } & ({ host: string } | { labels: string[] });

/** `beforeRun` is called between the warm-up and the measured run (the CPU counters of measure/hot-path.ts). */
export async function measureLoad(
	settings: LoadSettings,
	target: LoadTarget,
	connections = settings.connections,
	beforeRun?: () => void,
): Promise<LoadResult> {
	const run = (durationSeconds: number) =>
		wrk({
			url: `http://127.0.0.1:${target.port}/`,
			...("host" in target ? { host: target.host } : { spread: { labels: target.labels } }),
			durationSeconds,
			connections,
			threads: settings.threads,
		});
	if ("labels" in target && target.labels.length > 1) await touchEach(target.port, target.labels);
	await run(settings.warmupSeconds);
	beforeRun?.();
	const result = await run(settings.durationSeconds);
	// A 404 or 500 means the run measured an error page, not the hello world: no number is better.
	if (result.non2xx > 0)
		throw new Error(`${result.non2xx} of ${result.requests} answers were not 2xx/3xx (${JSON.stringify(target).slice(0, 200)})`);
	return result;
}

async function touchEach(port: number, labels: string[]): Promise<void> {
	const started = performance.now();
	const pinned = probe(port);
	try {
		for (const label of labels) {
			const answer = await pinned.get(`${label}.localhost`);
			if (answer.status !== 200) throw new Error(`${label}.localhost answered ${answer.status}`);
		}
	} finally {
		pinned.close();
	}
	log(`  first request to each of ${labels.length} scripts: ${formatMs(performance.now() - started)}`);
}
