/**
 * What a tenant's bindings add to a request (issue 13): a Worker that reads one KV key per request
 * (`env.CACHE.get`, warm: the isolate and the key's store are up) against the JS hello world, both
 * over one connection and measured alternately, so the difference of their p50s is what the KV read
 * adds. No target yet: the row sets the baseline. Locally a KV read is the tenant isolate → the
 * dispatcher's FerryKV → the resources Worker in the control process (an RPC over loopback) → the
 * namespace's Durable Object (docs/bindings.md). Likewise a service binding's RPC call (`env.CALC.add`)
 * and a small R2 object read (`env.FILES.get`, its body streamed back through both RPC hops) and a
 * Durable Object round trip (`env.COUNTER.getByName("bench").hello()`), and a D1 single-row read
 * (`env.DB.prepare("SELECT … WHERE id = ?").bind(1).first()`: the isolate's D1 module → FerryD1 →
 * the resources Worker → the database's Durable Object).
 */
import type { FerryApi } from "../../workers/shared/api-client/index.ts";
import { deploy } from "../api.ts";
import { COMPATIBILITY_DATE } from "../hello.ts";
import type { LoadSettings } from "../results.ts";
import type { LoadResult } from "../wrk-output.ts";
import { compareLoads } from "./compare.ts";

const workerModule = (source: string) => [
	{ name: "worker.js", type: "application/javascript+module", bytes: new TextEncoder().encode(source) },
];

/** Deploys `source` as script `name`'s one module, with these metadata fields (bindings, migrations) besides. */
const deployWorker = (api: FerryApi, name: string, source: string, metadata: Record<string, unknown> = {}) =>
	deploy(api, {
		name,
		metadata: { main_module: "worker.js", compatibility_date: COMPATIBILITY_DATE, ...metadata },
		modules: workerModule(source),
	});

export const KV_HOST = "hello-kv.localhost";

const KV_WORKER = `export default {
	async fetch(request, env) {
		return new Response(await env.CACHE.get("greeting"), { headers: { "content-type": "text/plain" } });
	},
};
`;

/** Deploys the KV reader and writes the key it reads. */
export async function deployKvReader(api: FerryApi): Promise<void> {
	await deployWorker(api, "hello-kv", KV_WORKER, { bindings: [{ type: "kv_namespace", name: "CACHE", namespace_id: "bench" }] });
	await api.kvPut("bench", "greeting", new TextEncoder().encode("Hello, world!\n"), {});
}

export const R2_HOST = "hello-r2.localhost";

const R2_WORKER = `export default {
	async fetch(request, env) {
		const object = await env.FILES.get("greeting.txt");
		return new Response(object.body, { headers: { "content-type": "text/plain" } });
	},
};
`;

/** Deploys the R2 reader and writes the small object it reads (14 bytes). */
export async function deployR2Reader(api: FerryApi): Promise<void> {
	await deployWorker(api, "hello-r2", R2_WORKER, { bindings: [{ type: "r2_bucket", name: "FILES", bucket_name: "bench" }] });
	await api.r2Put("bench", "greeting.txt", new TextEncoder().encode("Hello, world!\n"), {});
}

export const RPC_HOST = "hello-rpc.localhost";

const CALC_WORKER = `import { WorkerEntrypoint } from "cloudflare:workers";
export class Calc extends WorkerEntrypoint {
	add(a, b) { return a + b; }
}
export default { fetch: () => new Response("calc") };
`;

const RPC_WORKER = `export default {
	async fetch(request, env) {
		return new Response("Hello, " + (await env.CALC.add(2, 3)) + "\\n", { headers: { "content-type": "text/plain" } });
	},
};
`;

/**
 * Deploys a script whose every request calls one RPC method of another script of the tenant over a
 * service binding (locally: the tenant isolate → the dispatcher's FerryService → the bound
 * deployment's isolate, in the same runtime process).
 */
export async function deployRpcCaller(api: FerryApi): Promise<void> {
	await deployWorker(api, "hello-calc", CALC_WORKER);
	await deployWorker(api, "hello-rpc", RPC_WORKER, {
		bindings: [{ type: "service", name: "CALC", service: "hello-calc", entrypoint: "Calc" }],
	});
}

export const OBJECT_HOST = "hello-do.localhost";

const OBJECT_WORKER = `import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
	hello() { return "Hello, world!\\n"; }
}
export default {
	async fetch(request, env) {
		return new Response(await env.COUNTER.getByName("bench").hello(), { headers: { "content-type": "text/plain" } });
	},
};
`;

/**
 * Deploys a script whose every request makes one RPC call to one Durable Object of its own class
 * (locally: the tenant isolate → the dispatcher's FerryObjects → the platform's FerryObjectHost →
 * its facet running the class, all in the runtime process that serves the script).
 */
export async function deployObjectCaller(api: FerryApi): Promise<void> {
	await deployWorker(api, "hello-do", OBJECT_WORKER, {
		bindings: [{ type: "durable_object_namespace", name: "COUNTER", class_name: "Counter" }],
		migrations: { new_tag: "v1", steps: [{ new_sqlite_classes: ["Counter"] }] },
	});
}

export const D1_HOST = "hello-d1.localhost";

const D1_WORKER = `export default {
	async fetch(request, env) {
		const row = await env.DB.prepare("SELECT text FROM greetings WHERE id = ?").bind(1).first();
		return new Response(row.text, { headers: { "content-type": "text/plain" } });
	},
};
`;

/** Deploys the D1 reader and writes the one row it reads. */
export async function deployD1Reader(api: FerryApi): Promise<void> {
	await deployWorker(api, "hello-d1", D1_WORKER, { bindings: [{ type: "d1", name: "DB", id: "bench" }] });
	await api.d1Query(
		"bench",
		"CREATE TABLE greetings (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO greetings VALUES (1, 'Hello, world!\n')",
	);
}

export interface BindingResults {
	kv: LoadResult;
	rpc: LoadResult;
	r2: LoadResult;
	/** Absent in results written before the row existed. */
	object?: LoadResult;
	/** Absent in results written before the row existed. */
	d1?: LoadResult;
	hello: LoadResult;
}

export async function measureBindings(settings: LoadSettings, port: number): Promise<BindingResults> {
	const [kv, rpc, r2, object, d1, hello] = await compareLoads(
		settings,
		[
			{ port, host: KV_HOST },
			{ port, host: RPC_HOST },
			{ port, host: R2_HOST },
			{ port, host: OBJECT_HOST },
			{ port, host: D1_HOST },
			{ port, host: "hello.localhost" },
		],
		1,
	);
	return { kv, rpc, r2, object, d1, hello };
}
