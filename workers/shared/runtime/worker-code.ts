/** Turns a stored deployment into the code a Worker Loader isolate runs. */
import type { Manifest, ModuleKind } from "../deployments/manifest";

const decoder = new TextDecoder();

function toLoaderModule(kind: Exclude<ModuleKind, "sourcemap">, bytes: ArrayBuffer): WorkerLoaderModule {
	switch (kind) {
		case "esm":
			return { js: decoder.decode(bytes) };
		case "cjs":
			return { cjs: decoder.decode(bytes) };
		case "text":
			return { text: decoder.decode(bytes) };
		case "json":
			return { json: JSON.parse(decoder.decode(bytes)) };
		case "wasm":
			return { wasm: bytes };
		case "data":
			return { data: bytes };
	}
}

export interface WorkerCodeOptions {
	/** Replaces the manifest's main module (the Loaded probe wraps the tenant's main module). */
	extraModules?: Record<string, WorkerLoaderModule>;
	mainModule?: string;
	/** Where the isolate's fetch() goes: the egress gate (workers/outbound/). Default: nowhere. */
	globalOutbound?: Fetcher | null;
	/** The deployment's assets as its `assets.binding` (the dispatcher's FerryAssets entrypoint for it). */
	assets?: Fetcher;
	/** The deployment's resource bindings, by env name (the dispatcher's FerryKV entrypoints for them). */
	bindings?: Record<string, Fetcher>;
	/** Tail consumers of the isolate: the dispatcher's FerryTail for the deployment (dispatch/src/telemetry/). */
	tails?: Fetcher[];
	/** The deployment's secrets, opened: strings in env, as a wrangler secret is. */
	secrets?: Readonly<Record<string, string>>;
}

/**
 * The tenant's code with its vars, its secrets and its own resources' bindings as its whole env: no
 * platform binding is ever passed in, and
 * unless the caller passes the egress gate as `globalOutbound`, the isolate has no network at all.
 */
export function workerCode(
	manifest: Manifest,
	blobs: ReadonlyMap<string, ArrayBuffer>,
	options: WorkerCodeOptions = {},
): WorkerLoaderWorkerCode {
	const modules: Record<string, WorkerLoaderModule> = {};
	for (const module of manifest.modules) {
		if (module.kind === "sourcemap") continue;
		const bytes = blobs.get(module.sha256);
		if (!bytes) throw new Error(`module ${module.name} has no bytes`);
		modules[module.name] = toLoaderModule(module.kind, bytes);
	}
	Object.assign(modules, options.extraModules);
	const mainModule = options.mainModule ?? manifest.mainModule;
	if (mainModule === null) throw new Error(`deployment ${manifest.deploymentId} has no Worker (assets only)`);
	const binding = manifest.assets?.binding;
	return {
		compatibilityDate: manifest.compatibilityDate,
		compatibilityFlags: manifest.compatibilityFlags,
		mainModule,
		modules,
		env: { ...manifest.vars, ...options.secrets, ...options.bindings, ...(binding && options.assets ? { [binding]: options.assets } : {}) },
		globalOutbound: options.globalOutbound ?? null,
		...(options.tails ? { tails: options.tails } : {}),
	};
}
