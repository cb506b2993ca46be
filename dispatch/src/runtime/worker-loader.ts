/**
 * The Worker Loader runtime adapter (local, and production when RUNTIME = "worker-loader"): each
 * deployment runs in a Worker Loader isolate named by its deployment id. The code is needed only when
 * the runtime has no warm isolate for that id (`getCode` is lazy), and then comes from the in-isolate
 * code cache (filled by `prepare` when a route moves to the deployment) before R2. A warm request
 * touches neither R2 nor D1 (the plan limits are cached too) and does not await anything before the
 * runtime's fetch.
 */

import type { EgressContext } from "../../../workers/shared/egress/context";
import { continueWith, type MaybePromise } from "../../../workers/shared/maybe-promise";
import type { PlatformReads } from "../../../workers/shared/platform";
import type { ResourceBinding, ServiceBinding } from "../../../workers/shared/resources/index";
import { bindingModules } from "../../../workers/shared/runtime/binding-modules";
import type { RouteTarget, RuntimeAdapter, ScheduledEvent } from "../../../workers/shared/runtime/route";
import { workerCode } from "../../../workers/shared/runtime/worker-code";
import type { InvocationSource } from "../../../workers/shared/telemetry/record";
import type { ObjectBindingProps } from "../resources/durable-objects";
import type { CodeCache, DeploymentCode } from "./code-cache";
import type { PlanLimits } from "./plans";
import { withinWallClock } from "./wall-clock";
import type { WarmupBudget } from "./warmup-budget";

/** An entrypoint name no tenant has reason to export (only a string-literal export could spell it). */
const WARMUP_ENTRYPOINT = "ferry warmup";
/** How long a deploy's answer may wait for its preparation; a hello world takes a few ms (tens on a loaded machine). */
const PREPARE_WAIT_MS = 2_000;

export interface WorkerLoaderRuntimeDeps {
	loader: WorkerLoader;
	/** Where code comes from when the code cache lacks it (R2, in-process or through the control process). */
	reads: PlatformReads;
	/** Deployments' code in memory; shared by every adapter of the isolate (deployments are immutable). */
	code: CodeCache;
	/** How many isolates may be started ahead of traffic (shared by the isolate's adapters too). */
	warmup: WarmupBudget;
	/** The cached limits as a plain value, else a promise. */
	limitsFor(tenantId: string): MaybePromise<PlanLimits>;
	/** How long a request may wait for the tenant's response headers (./wall-clock.ts). */
	wallClockLimitMs: number;
	/**
	 * Locally, the `request.cf` every tenant request gets (the runtime Worker's LOCAL_REQUEST_CF).
	 * Handed to the runtime's fetch rather than carried from the edge: a request that arrives with a
	 * `cf` has it parsed and deep-cloned by that fetch. None in production (Cloudflare's own).
	 */
	requestCf?: object;
	/** Told each time the runtime asks for a deployment's code: it is starting an isolate for it. */
	onIsolateStart?: () => void;
	/**
	 * The egress gate for one deployment's isolate. The isolate outlives a request, so the gate knows
	 * the tenant and the deployment but not which request a subrequest belongs to.
	 */
	egress(context: EgressContext): Fetcher;
	/** A deployment's assets as its Worker's assets binding (the dispatcher's FerryAssets entrypoint). */
	assets(deployment: { tenantId: string; deploymentId: string }): Fetcher;
	/** A service binding to another script of the tenant (the dispatcher's FerryService, ../resources/service.ts). */
	service(tenantId: string, binding: ServiceBinding): Fetcher;
	/** A binding to one of the tenant's resources (the dispatcher's FerryKV for a KV namespace, FerryR2 for a bucket). */
	resource(tenantId: string, binding: ResourceBinding): Fetcher;
	/** A Durable Object binding to a class of the script (the dispatcher's FerryObjects, ../resources/durable-objects.ts). */
	durableObject?(props: ObjectBindingProps): Fetcher;
	/** The tail consumer of a deployment's isolate (the dispatcher's FerryTail); none: no telemetry. */
	tail?(source: InvocationSource): Fetcher;
}

export class WorkerLoaderRuntime implements RuntimeAdapter {
	/** The runtime fetch's second argument, built once: the local `request.cf`, or nothing. */
	private readonly requestInit: RequestInit | undefined;

	constructor(private readonly deps: WorkerLoaderRuntimeDeps) {
		this.requestInit = deps.requestCf ? { cf: deps.requestCf as RequestInitCfProperties } : undefined;
	}

	fetch(target: RouteTarget, request: Request): Promise<Response> {
		return continueWith(this.deps.limitsFor(target.tenantId), (limits) => this.run(target, request, limits));
	}

	/**
	 * The deployment's scheduled handler, in the same isolate its requests use, with the same limits
	 * and the same wall-clock bound (locally nothing else stops a handler that never settles).
	 */
	scheduled(target: RouteTarget, { cron, scheduledTime }: ScheduledEvent): Promise<{ outcome: string }> {
		return continueWith(this.deps.limitsFor(target.tenantId), (limits) => {
			const entrypoint = this.worker(target).getEntrypoint(undefined, { limits }) as unknown as ScheduledFetcher;
			return withinWallClock(entrypoint.scheduled({ cron, scheduledTime: new Date(scheduledTime) }), this.deps.wallClockLimitMs);
		});
	}

	/**
	 * Reads the deployment's code into the code cache and, within the warm-up budget, starts its
	 * isolate, so that the first request is a warm one. The isolate is started by asking it for an
	 * entrypoint no module exports: the runtime has to load the code (running its top level, as the
	 * Loaded probe already did) to find out, and the tenant's handler never runs. That call always
	 * fails; the isolate stays warm.
	 *
	 * The API waits for this before it answers the deploy, so both steps share one deadline: a slow
	 * R2 read or a slow top level goes on under `waitUntil` and never holds the answer longer. A
	 * deploy hands over the code it loaded: it goes into the code cache as it is, nothing is read.
	 */
	async prepare(target: RouteTarget, waitUntil: (work: Promise<unknown>) => void, code?: DeploymentCode): Promise<void> {
		if (code) this.deps.code.set(target.deploymentId, code);
		const work = (async () => {
			const { manifest } = await this.deploymentCode(target.deploymentId);
			// Assets only: there is no Worker to start.
			if (manifest.mainModule === null) return;
			if (!this.deps.warmup.take(target.deploymentId, Date.now())) return;
			await this.worker(target)
				.getEntrypoint(WARMUP_ENTRYPOINT)
				.fetch("http://warmup.invalid/")
				.catch(() => undefined);
		})();
		// Whatever the deadline leaves behind; its failure was already reported if it came in time.
		waitUntil(work.catch(() => undefined));
		await Promise.race([work, scheduler.wait(PREPARE_WAIT_MS)]);
	}

	/** The code into the code cache only: an isolate started ahead of traffic is memory workerd never gives back. */
	async prefetch(target: RouteTarget): Promise<void> {
		await this.deploymentCode(target.deploymentId);
	}

	private run(target: RouteTarget, request: Request, limits: PlanLimits): Promise<Response> {
		this.deps.warmup.served(target.deploymentId);
		// workerd does not enforce these locally (see docs/architecture.md); Cloudflare does.
		const entrypoint = this.worker(target).getEntrypoint(undefined, { limits });
		return withinWallClock(entrypoint.fetch(request, this.requestInit), this.deps.wallClockLimitMs);
	}

	/** A bound script's entrypoint as a service binding forwards to it (../resources/service.ts). */
	entrypoint(target: RouteTarget, entrypoint: string | null): Fetcher {
		// The plan's limits as cached; a miss only means the call runs without them this once.
		const limits = this.deps.limitsFor(target.tenantId);
		return this.worker(target).getEntrypoint(entrypoint ?? undefined, limits instanceof Promise ? undefined : { limits });
	}

	/** A Durable Object class of the deployment, from its isolate, for a facet to run, with the props its ctx gets (../resources/durable-objects.ts). */
	objectClass(target: RouteTarget, className: string, props: Record<string, unknown>): DurableObjectClass {
		return this.worker(target).getDurableObjectClass(className, { props });
	}

	private worker(target: RouteTarget): WorkerStub {
		return this.deps.loader.get(target.deploymentId, async () => {
			this.deps.onIsolateStart?.();
			const { manifest, blobs, secrets } = await this.deploymentCode(target.deploymentId);
			const deployment = { tenantId: target.tenantId, deploymentId: target.deploymentId };
			const globalOutbound = this.deps.egress(deployment);
			const assets = manifest.assets?.binding ? this.deps.assets(deployment) : undefined;
			const tail = this.deps.tail?.({ ...deployment, scriptId: target.scriptId, scriptName: target.scriptName });
			// The tenant id is the manifest's (the platform wrote it at Built): a binding reaches only that tenant's resources.
			const bindings: Record<string, Fetcher> = Object.fromEntries(
				(manifest.resources ?? []).map((r) => [r.binding, this.deps.resource(manifest.tenantId, r)]),
			);
			for (const service of manifest.services ?? []) bindings[service.binding] = this.deps.service(manifest.tenantId, service);
			for (const { binding, className } of manifest.durableObjects?.bindings ?? []) {
				const props = { tenantId: manifest.tenantId, scriptId: target.scriptId, scriptName: manifest.scriptName, className };
				if (this.deps.durableObject) bindings[binding] = this.deps.durableObject(props);
			}
			return workerCode(manifest, blobs, {
				...bindingModules(manifest),
				globalOutbound,
				bindings,
				secrets,
				...(assets ? { assets } : {}),
				...(tail ? { tails: [tail] } : {}),
			});
		});
	}

	async deploymentCode(deploymentId: string): Promise<DeploymentCode> {
		const cached = this.deps.code.get(deploymentId);
		if (cached) return cached;
		const code = await this.deps.reads.deploymentCode(deploymentId);
		this.deps.code.set(deploymentId, code);
		return code;
	}
}

/** A Fetcher's `scheduled()` (workerd's; in @cloudflare/workers-types only under `experimental`). */
export interface ScheduledFetcher {
	scheduled(options: { cron: string; scheduledTime: Date }): Promise<{ outcome: string; noRetry: boolean }>;
}
