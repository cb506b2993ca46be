/** One throughput measurement: a short warm-up run, then the measured wrk run. */
import type { LoadSettings } from "../results.ts";
import { wrk } from "../wrk.ts";
import type { LoadResult } from "../wrk-output.ts";

export type LoadTarget = { port: number } & ({ host: string } | { labels: string[] });

export async function measureLoad(settings: LoadSettings, target: LoadTarget, connections = settings.connections): Promise<LoadResult> {
	const run = (durationSeconds: number) =>
		wrk({
			url: `http://127.0.0.1:${target.port}/`,
			...("host" in target ? { host: target.host } : { spread: { labels: target.labels } }),
			durationSeconds,
			connections,
			threads: settings.threads,
		});
	await run(settings.warmupSeconds);
	const result = await run(settings.durationSeconds);
	// A 404 or 500 means the run measured an error page, not the hello world: no number is better.
	if (result.non2xx > 0) throw new Error(`${result.non2xx} of ${result.requests} answers were not 2xx/3xx (${JSON.stringify(target).slice(0, 200)})`);
	return result;
}
