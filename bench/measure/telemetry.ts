/**
 * What collecting telemetry costs and how live it is (issue 15):
 *
 *   - the JS hello world with collection on (the platform as it runs) against a second platform
 *     with it off (`startLocalPlatform({ telemetry: false })`: no tail consumer), measured
 *     alternately: throughput with 16 connections, p50 over one;
 *   - live tail delivery: a request answered (its body read) → its line printed by what `ferry
 *     tail` runs (the API client's tail and the CLI's formatter), one request at a time.
 */
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { formatInvocation } from "../../cli/src/telemetry/format.ts";
import { loopbackFetch } from "../../loopback/index.ts";
import { FerryApi } from "../../workers/shared/api-client/index.ts";
import { apiUrl, createTenant, deploy, jsBundle } from "../api.ts";
import { onCleanup } from "../cleanup.ts";
import { log } from "../log.ts";
import { startPlatform } from "../platform.ts";
import type { LoadSettings } from "../results.ts";
import { BENCH_STATE } from "../seed.ts";
import type { LoadResult } from "../wrk-output.ts";
import { compareLoads } from "./compare.ts";

export interface TelemetryResults {
	/** The hello world with collection on and off, `connections` connections, and over one. */
	on: LoadResult;
	off: LoadResult;
	onOne: LoadResult;
	offOne: LoadResult;
	/** Milliseconds from a response read to its line shown by the tail, per request. */
	tailMs: number[];
}

const TAIL_SAMPLES = 40;
const HELLO = "hello.localhost";

/** A platform with collection off beside `onPort`'s, the loads compared, then the tail timed on `onPort` (with the tenant's `token`). */
export async function measureTelemetry(settings: LoadSettings, onPort: number, token: string): Promise<TelemetryResults> {
	const stateDir = path.join(BENCH_STATE, "run-untraced");
	const removeState = () => rmSync(stateDir, { recursive: true, force: true });
	removeState();
	mkdirSync(stateDir, { recursive: true });
	const forget = onCleanup(removeState, removeState);
	log("a second platform with telemetry collection off");
	const untraced = await startPlatform(stateDir, { telemetry: false });
	let loads: Omit<TelemetryResults, "tailMs">;
	try {
		const { api: offApi } = await createTenant(untraced.port, untraced.adminToken, "bench-untraced");
		await deploy(offApi, jsBundle("hello"));
		const on = { port: onPort, host: HELLO };
		const off = { port: untraced.port, host: HELLO };
		const [onMany, offMany] = await compareLoads(settings, [on, off]);
		const [onOne, offOne] = await compareLoads(settings, [on, off], 1);
		loads = { on: onMany, off: offMany, onOne, offOne };
	} finally {
		await untraced.stop();
		forget();
		removeState();
	}
	return { ...loads, tailMs: await measureTail(onPort, token) };
}

async function measureTail(port: number, token: string): Promise<number[]> {
	const controller = new AbortController();
	const api = new FerryApi({ baseUrl: apiUrl(port), token, fetch: loopbackFetch, signal: controller.signal });
	const tail = api.tail("hello", {});
	const first = await tail.next();
	if (first.value?.type !== "ready") throw new Error("the tail did not open");
	const shown = new Map<string, number>();
	const waiting = new Map<string, () => void>();
	// The tail's reader: each invocation's line formatted as `ferry tail` prints it, its time noted.
	const reader = (async () => {
		for (;;) {
			const { value, done } = await tail.next();
			if (done) return;
			if (value.type !== "invocation") continue;
			formatInvocation(value.invocation, (_, text) => text);
			const path = value.invocation.path ?? "";
			shown.set(path, performance.now());
			waiting.get(path)?.();
		}
	})().catch(() => undefined);
	const samples: number[] = [];
	try {
		for (let i = 0; i < TAIL_SAMPLES; i++) {
			const path = `/tail-bench-${i}`;
			const seen = new Promise<void>((resolve) => waiting.set(path, resolve));
			const response = await loopbackFetch(`http://${HELLO}:${port}${path}`);
			await response.text();
			const answered = performance.now();
			await seen;
			samples.push(shown.get(path)! - answered);
			waiting.delete(path);
		}
	} finally {
		controller.abort();
		await reader;
	}
	return samples;
}
