/**
 * First requests against warm ones, over one kept-alive connection (probe.ts):
 *
 * - after a deploy: a new script is deployed, then requested. The deploy has the dispatcher prepare
 *   it (route cached, code loaded, isolate started, within the warm-up budget), so this is the
 *   first request a visitor of a new deployment sees;
 * - unprepared: scripts the running platform never served nor prepared (it was started on existing
 *   state): route read from D1, code from R2, a new isolate — a true cold start;
 * - no route: hostnames no script has, so that a first request is the route read alone (404 page,
 *   the miss cached), which `--only cold` puts beside the unprepared ones to break them down.
 */
import type { FerryApi } from "../../workers/shared/api-client/index.ts";
import { deploy, jsBundle } from "../api.ts";
import type { Probe } from "../probe.ts";
import { median } from "../stats.ts";

const WARM_REQUESTS = 5;

export interface FirstRequests {
	/** Each host's first request, ms. */
	coldMs: number[];
	/** Each host's median warm request after that, ms. */
	warmMs: number[];
}

async function sample(probe: Probe, host: string, into: FirstRequests, status = 200): Promise<void> {
	const first = await probe.get(host);
	if (first.status !== status) throw new Error(`${host}: the first request answered ${first.status}`);
	into.coldMs.push(first.ms);
	const warm: number[] = [];
	for (let i = 0; i < WARM_REQUESTS; i++) warm.push((await probe.get(host)).ms);
	into.warmMs.push(median(warm));
}

export async function measureFirstAfterDeploy(api: FerryApi, probe: Probe, samples: number): Promise<FirstRequests> {
	const results: FirstRequests = { coldMs: [], warmMs: [] };
	// Each sample is a new script name: a name nobody asked for before, with its own code.
	const run = Date.now().toString(36);
	for (let index = 0; index < samples; index++) {
		const name = `cold-${run}-${index}`;
		await deploy(api, jsBundle(name, `cold ${index}\n`));
		await sample(probe, `${name}.localhost`, results);
	}
	return results;
}

/** `labels` must be deployed scripts this platform has not served or prepared since it started. */
export async function measureUnprepared(probe: Probe, labels: string[]): Promise<FirstRequests> {
	const results: FirstRequests = { coldMs: [], warmMs: [] };
	for (const label of labels) await sample(probe, `${label}.localhost`, results);
	return results;
}

/** First requests to hostnames no route has (404): the route read (and the cached miss after it). */
export async function measureMissingRoutes(probe: Probe, samples: number): Promise<FirstRequests> {
	const results: FirstRequests = { coldMs: [], warmMs: [] };
	const run = Date.now().toString(36);
	for (let index = 0; index < samples; index++) await sample(probe, `nothing-${run}-${index}.localhost`, results, 404);
	return results;
}
