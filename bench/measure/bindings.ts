/**
 * What a tenant's bindings add to a request (issue 13): a Worker that reads one KV key per request
 * (`env.CACHE.get`, warm: the isolate and the key's store are up) against the JS hello world, both
 * over one connection and measured alternately, so the difference of their p50s is what the KV read
 * adds. No target yet: the row sets the baseline. Locally a KV read is the tenant isolate → the
 * dispatcher's FerryKV → the resources Worker in the control process (an RPC over loopback) → the
 * namespace's Durable Object (docs/bindings.md).
 */
import type { FerryApi } from "../../workers/shared/api-client/index.ts";
import { deploy } from "../api.ts";
import { COMPATIBILITY_DATE } from "../hello.ts";
import type { LoadSettings } from "../results.ts";
import type { LoadResult } from "../wrk-output.ts";
import { compareLoads } from "./compare.ts";

export const KV_HOST = "hello-kv.localhost";

const KV_WORKER = `export default {
	async fetch(request, env) {
		return new Response(await env.CACHE.get("greeting"), { headers: { "content-type": "text/plain" } });
	},
};
`;

/** Deploys the KV reader and writes the key it reads. */
export async function deployKvReader(api: FerryApi): Promise<void> {
	await deploy(api, {
		name: "hello-kv",
		metadata: {
			main_module: "worker.js",
			compatibility_date: COMPATIBILITY_DATE,
			bindings: [{ type: "kv_namespace", name: "CACHE", namespace_id: "bench" }],
		},
		modules: [{ name: "worker.js", type: "application/javascript+module", bytes: new TextEncoder().encode(KV_WORKER) }],
	});
	await api.kvPut("bench", "greeting", new TextEncoder().encode("Hello, world!\n"), {});
}

export interface BindingResults {
	kv: LoadResult;
	hello: LoadResult;
}

export async function measureBindings(settings: LoadSettings, port: number): Promise<BindingResults> {
	const [kv, hello] = await compareLoads(
		settings,
		[
			{ port, host: KV_HOST },
			{ port, host: "hello.localhost" },
		],
		1,
	);
	return { kv, hello };
}
