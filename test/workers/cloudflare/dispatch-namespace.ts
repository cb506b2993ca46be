/**
 * A stand-in for Cloudflare's DispatchNamespace binding, which cannot run locally (Miniflare's only
 * proxies to a real account). It runs exactly what the fake Cloudflare API accepted: on every
 * fetch() it reads the namespace script from the fake (test/support/cloudflare-api/) and starts the
 * uploaded parts in a Worker Loader isolate, converted the way Cloudflare reads them (content type →
 * module kind, `plain_text`/`secret_text` bindings → env as strings, `json` bindings as their values).
 * So a test that passes through it proves the multipart form Ferry uploaded actually runs, with the
 * limits and outbound parameters the dispatcher passed to `get()`.
 *
 * Cloudflare's behaviour copied here:
 * - `get()` never throws; a script the namespace does not hold makes the returned Fetcher's `fetch()`
 *   reject with a plain `Error("Worker not found.")`, no `remote` flag (workerd#5263; the custom-limits
 *   docs catch it around `fetch()`: `e.message.startsWith("Worker not found")`).
 * - The namespace's outbound Worker gets the `outbound` parameters of each `get()` call in its env
 *   (the outbound Workers docs); here the production outbound Worker (workers/outbound/src/index.ts)
 *   runs behind the FakeNamespaceOutbound entrypoint with the same merge.
 * - Exceptions the user Worker throws arrive marked `remote` (they cross an isolate boundary).
 * - The limits that apply are the lower of the script's own (`limits.cpu_ms` of its upload, else
 *   Cloudflare's default 30 s) and the ones passed to `get()` (as Dynamic Workers' docs say of theirs);
 *   each call records them as `effectiveLimits`.
 * - `scheduled({cron, scheduledTime})` on the returned Fetcher delivers a scheduled event to the user
 *   Worker (the dispatcher's cron fan-out, docs/cron.md), with the same limits and outbound parameters.
 * - A script over its CPU limit makes `fetch()` reject with "Worker exceeded CPU time limit." (the
 *   custom-limits docs test `e.message.includes("CPU time limit")`). workerd enforces no CPU limit
 *   locally, so the stand-in cannot measure it: a test names the script that is over (`overCpu`).
 */
import { exports, WorkerEntrypoint } from "cloudflare:workers";
import outboundWorker from "../../../workers/outbound/src/index";
import type { FakeCloudflareApi, StoredModule, StoredScript } from "../../support/cloudflare-api/control";

/** Cloudflare's CPU limit for a Worker whose upload sets none (ms). */
const DEFAULT_SCRIPT_CPU_MS = 30_000;

export interface DispatchCall {
	name: string;
	options: DynamicDispatchOptions;
	/** What applied to the request: the lower of the script's own limit and the one asked for (undefined: the script was not found). */
	effectiveLimits?: { cpuMs: number; subRequests?: number };
}

const decode = (module: StoredModule) => Uint8Array.from(atob(module.base64), (c) => c.charCodeAt(0));

function loaderModule(module: StoredModule): WorkerLoaderModule | undefined {
	const bytes = decode(module);
	const text = () => new TextDecoder().decode(bytes);
	switch (module.type) {
		case "application/javascript+module":
		case "text/javascript+module":
			return { js: text() };
		case "application/javascript":
		case "text/javascript":
			return { cjs: text() };
		case "text/plain":
			return { text: text() };
		case "application/wasm":
			return { wasm: bytes.buffer };
		case "application/octet-stream":
			return { data: bytes.buffer };
		case "application/source-map":
			return undefined;
		default:
			throw new Error(`the stand-in cannot run a '${module.type}' part (${module.name})`);
	}
}

function workerCode(script: StoredScript, globalOutbound: Fetcher): WorkerLoaderWorkerCode {
	const modules: Record<string, WorkerLoaderModule> = {};
	for (const module of script.modules) {
		const converted = loaderModule(module);
		if (converted) modules[module.name] = converted;
	}
	// Cloudflare serves a script's static assets itself, in front of it; the stand-in runs only the Worker.
	if (!script.metadata.main_module) throw new Error(`the stand-in does not serve static assets (script ${script.name} has only assets)`);
	return {
		compatibilityDate: script.metadata.compatibility_date,
		compatibilityFlags: script.metadata.compatibility_flags ?? [],
		mainModule: script.metadata.main_module,
		modules,
		env: Object.fromEntries(
			(script.metadata.bindings ?? []).flatMap((b) => ("text" in b ? [[b.name, b.text]] : "json" in b ? [[b.name, b.json]] : [])),
		),
		globalOutbound,
	};
}

/** The namespace's outbound Worker as Cloudflare runs it: the `get()` call's outbound parameters merged into its env. */
export class FakeNamespaceOutbound extends WorkerEntrypoint<{ DB: D1Database }, Record<string, unknown>> {
	override fetch(request: Request): Promise<Response> {
		const env = { ...this.env, ...this.ctx.props } as unknown as OutboundEnv;
		return outboundWorker.fetch(request as Parameters<typeof outboundWorker.fetch>[0], env);
	}
}

const outboundFor = (parameters: Record<string, unknown>): Fetcher =>
	(exports as unknown as { FakeNamespaceOutbound(options: { props: Record<string, unknown> }): Fetcher }).FakeNamespaceOutbound({
		props: parameters,
	});

export class FakeDispatchNamespace implements DispatchNamespace {
	/** Every get() call, oldest first: what the dispatcher asked the namespace for. */
	readonly calls: DispatchCall[] = [];
	/** Scripts whose requests run over their CPU limit (see the header). */
	readonly overCpu = new Set<string>();

	constructor(
		private readonly cloudflare: FakeCloudflareApi,
		private readonly loader: WorkerLoader,
	) {}

	get(name: string, _args?: Record<string, unknown>, options: DynamicDispatchOptions = {}): Fetcher {
		const call: DispatchCall = { name, options: structuredClone(options) };
		this.calls.push(call);
		const fetcher = {
			fetch: (input: RequestInfo | URL, init?: RequestInit) => this.run(call, new Request(input, init)),
			scheduled: async (event: { cron: string; scheduledTime: Date }) =>
				((await this.entrypoint(call)) as unknown as { scheduled(e: typeof event): Promise<unknown> }).scheduled(event),
			connect: () => {
				throw new Error("the stand-in dispatch namespace only supports fetch()");
			},
		};
		return fetcher as unknown as Fetcher;
	}

	private async run(call: DispatchCall, request: Request): Promise<Response> {
		return (await this.entrypoint(call)).fetch(request);
	}

	private async entrypoint(call: DispatchCall): Promise<Fetcher> {
		const { name, options } = call;
		const script = await this.cloudflare.script(name);
		if (!script) throw new Error("Worker not found.");
		const own = script.metadata.limits?.cpu_ms ?? DEFAULT_SCRIPT_CPU_MS;
		const limits = { ...options.limits, cpuMs: Math.min(own, options.limits?.cpuMs ?? own) };
		call.effectiveLimits = limits;
		if (this.overCpu.has(name)) throw new Error("Worker exceeded CPU time limit.");
		// Outbound parameters are per request on Cloudflare; an isolate per (script version, parameters)
		// keeps them so here (the stand-in trades isolate reuse for that).
		const key = `${name}@${script.etag}@${JSON.stringify(options.outbound ?? null)}`;
		const worker = this.loader.get(key, () => workerCode(script, outboundFor(options.outbound ?? {})));
		return worker.getEntrypoint(undefined, { limits });
	}
}
