/** The runtime adapter this installation uses, chosen by the RUNTIME var (see workers/shared/runtime/select.ts). */
import { exports } from "cloudflare:workers";
import type { EgressContext } from "../../../workers/shared/egress/context";
import { LIMITS } from "../../../workers/shared/limits";
import { platformReads } from "../../../workers/shared/platform";
import type { ResourceBinding, ServiceBinding } from "../../../workers/shared/resources/index";
import type { RuntimeAdapter } from "../../../workers/shared/runtime/route";
import { runtimeName } from "../../../workers/shared/runtime/select";
import type { InvocationSource } from "../../../workers/shared/telemetry/record";
import type { AssetsBindingProps } from "../assets/entrypoint";
import type { D1BindingProps } from "../resources/d1";
import type { ObjectBindingProps } from "../resources/durable-objects";
import type { KvBindingProps } from "../resources/kv";
import type { R2BindingProps } from "../resources/r2";
import type { ServiceBindingProps } from "../resources/service";
import { createCodeCache } from "./code-cache";
import { DispatchNamespaceRuntime } from "./dispatch-namespace";
import { limitsFor } from "./plans";
import { WarmupBudget } from "./warmup-budget";
import { WorkerLoaderRuntime } from "./worker-loader";

export { failurePage, quarantineOf } from "./failures";

/**
 * The loopback binding of the FerryEgress entrypoint that the dispatcher's main module exports.
 * Cast because the generated `Exports` type follows whichever main module the compiling project
 * declares (the tests compile this file under the test Worker's).
 */
const egressGate = (context: EgressContext): Fetcher =>
	(exports as unknown as { FerryEgress(options: { props: EgressContext }): Fetcher }).FerryEgress({ props: context });

/** The loopback binding of the FerryAssets entrypoint (a deployment's assets binding), cast for the same reason. */
const assetsBinding = (props: AssetsBindingProps): Fetcher =>
	(exports as unknown as { FerryAssets(options: { props: AssetsBindingProps }): Fetcher }).FerryAssets({ props });

/** The loopback binding of a resource's entrypoint (FerryKV for a KV namespace, FerryR2 for an R2 bucket, FerryD1 for a D1 database), cast for the same reason. */
const resourceBinding = (tenantId: string, binding: ResourceBinding): Fetcher => {
	const loopback = exports as unknown as {
		FerryKV(options: { props: KvBindingProps }): Fetcher;
		FerryR2(options: { props: R2BindingProps }): Fetcher;
		FerryD1(options: { props: D1BindingProps }): Fetcher;
	};
	const props = { tenantId, name: binding.name };
	switch (binding.type) {
		case "kv_namespace":
			return loopback.FerryKV({ props });
		case "r2_bucket":
			return loopback.FerryR2({ props });
		case "d1":
			return loopback.FerryD1({ props });
	}
};

/** The loopback binding of the FerryService entrypoint (a deployment's service binding), cast for the same reason. */
const serviceBinding = (tenantId: string, binding: ServiceBinding): Fetcher =>
	(exports as unknown as { FerryService(options: { props: ServiceBindingProps }): Fetcher }).FerryService({
		props: { tenantId, script: binding.script, entrypoint: binding.entrypoint },
	});

/** The loopback binding of the FerryObjects entrypoint (a deployment's Durable Object binding), cast for the same reason. */
const objectBinding = (props: ObjectBindingProps): Fetcher =>
	(exports as unknown as { FerryObjects(options: { props: ObjectBindingProps }): Fetcher }).FerryObjects({ props });

/** The loopback binding of the FerryTail entrypoint (a deployment's tail consumer), cast for the same reason. */
const tailConsumer = (source: InvocationSource): Fetcher =>
	(exports as unknown as { FerryTail(options: { props: InvocationSource }): Fetcher }).FerryTail({ props: source });

/**
 * Deployments' code in memory, for the whole isolate (deployment ids are unique and immutable, so
 * adapters of different envs can share it). 32 MiB holds a few large deployments or hundreds of small
 * ones and leaves most of an isolate's 128 MB to requests.
 */
const codeCache = createCodeCache(32 * 1024 * 1024, 1_000);
/** 16 idle hello-world isolates are ~32 MB locally; a deploy burst past that starts cold (see warmup-budget.ts). */
const warmupBudget = new WarmupBudget(16, 5 * 60_000);

/**
 * Drops a deployment's code from this isolate's code cache. The dispatcher has no need of it (the
 * cache evicts by itself); tests use it to tell an isolate started ahead of traffic from cached code.
 */
export const forgetCachedCode = (deploymentId: string) => codeCache.delete(deploymentId);
/** Makes room to warm deployments ahead again (tests that deploy after others filled the budget). */
export const clearWarmupBudget = () => warmupBudget.clear();
/** Whether this isolate's code cache holds a deployment's code (tests of reading it ahead). */
export const hasCachedCode = (deploymentId: string) => codeCache.has(deploymentId);

let isolatesStarted = 0;
/**
 * How many tenant isolates this dispatcher isolate had the runtime start (Worker Loader `getCode`
 * calls). workerd never frees one, so a local runtime process reports this to its supervisor, which
 * recycles the process past a threshold (local/supervisor/).
 */
export const isolateStarts = () => isolatesStarted;

export function createRuntime(env: DispatchEnv): RuntimeAdapter {
	const reads = platformReads(env);
	const limits = (tenantId: string) => limitsFor(reads, tenantId);
	switch (runtimeName(env.RUNTIME)) {
		case "worker-loader":
			return new WorkerLoaderRuntime({
				loader: env.LOADER,
				reads,
				code: codeCache,
				warmup: warmupBudget,
				limitsFor: limits,
				wallClockLimitMs: Number(env.WALL_CLOCK_LIMIT_MS) || LIMITS.requestWallClockMs,
				...(env.LOCAL_REQUEST_CF ? { requestCf: env.LOCAL_REQUEST_CF } : {}),
				onIsolateStart: () => isolatesStarted++,
				egress: egressGate,
				assets: assetsBinding,
				resource: resourceBinding,
				service: serviceBinding,
				// Without the platform's namespace (a test env, production) a Durable Object binding is left out of env.
				...(env.OBJECTS ? { durableObject: objectBinding } : {}),
				// Without the telemetry Worker (a test env, a config without it) tenant code runs untraced.
				...(env.TELEMETRY ? { tail: tailConsumer } : {}),
			});
		case "dispatch-namespace":
			if (!env.DISPATCHER) throw new Error("RUNTIME is 'dispatch-namespace' but the DISPATCHER binding is missing");
			return new DispatchNamespaceRuntime({ namespace: env.DISPATCHER, limitsFor: limits });
	}
}

// One adapter per env, built on its first request: the runtime keeps one env object per isolate, so
// this is one per isolate; tests that run both runtimes side by side pass two envs.
const adapters = new WeakMap<DispatchEnv, RuntimeAdapter>();

export function runtimeFor(env: DispatchEnv): RuntimeAdapter {
	let adapter = adapters.get(env);
	if (!adapter) {
		adapter = createRuntime(env);
		adapters.set(env, adapter);
	}
	return adapter;
}
