/**
 * Cold start: the first request to a newly deployed script (route lookup in D1, code from R2, a new
 * isolate) against warm requests to it, over one kept-alive connection (probe.ts).
 */
import type { FerryApi } from "../../cli/src/api/index.ts";
import { deploy, jsBundle } from "../api.ts";
import { median } from "../stats.ts";
import type { Probe } from "../probe.ts";

const WARM_REQUESTS = 5;

export async function measureColdStarts(api: FerryApi, probe: Probe, samples: number): Promise<{ coldMs: number[]; warmMs: number[] }> {
	const coldMs: number[] = [];
	const warmMs: number[] = [];
	// Each sample is a new script name: a name nobody asked for before, with its own code.
	const run = Date.now().toString(36);
	for (let sample = 0; sample < samples; sample++) {
		const name = `cold-${run}-${sample}`;
		await deploy(api, jsBundle(name, `cold ${sample}\n`));
		const first = await probe.get(`${name}.localhost`);
		if (first.status !== 200) throw new Error(`${name}: the first request answered ${first.status}`);
		coldMs.push(first.ms);
		const warm: number[] = [];
		for (let i = 0; i < WARM_REQUESTS; i++) warm.push((await probe.get(`${name}.localhost`)).ms);
		warmMs.push(median(warm));
	}
	return { coldMs, warmMs };
}
