/**
 * The dispatcher: every request for *.<TENANT_DOMAIN> arrives here, is matched to a route by its
 * hostname and handed to the tenant's code through the runtime adapter. The tenant sees the request
 * and its own vars, never this Worker's bindings.
 *
 * A warm request (route and plan limits cached) does no I/O of its own and never awaits before the
 * runtime's fetch: its response is the tenant's, streamed through untouched.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { budgetStopOf, nextMonthStart } from "../../workers/shared/budgets";
import { hostOf, routeLabel } from "../../workers/shared/hosts";
import { requestIdOf, withRequestId } from "../../workers/shared/http/request-id";
import { log } from "../../workers/shared/log";
import { type DeploymentCode, platformReads } from "../../workers/shared/platform";
import type { RouteControlApi, RouteTableApi, RouteTarget } from "../../workers/shared/runtime/route";
import { assetServerFor } from "./assets/server";
import { fanOut } from "./cron";
import { notFoundPage, overBudgetPage, unavailablePage } from "./pages";
import { invalidateRoutes, loadRoutes, refreshRoutes, resolveRoute, routeGeneration } from "./routes";
import { failurePage, quarantineOf, runtimeFor } from "./runtime";

// Tenant subrequests pass through this entrypoint when the runtime is Worker Loader (see runtime/).
export { FerryEgress } from "../../workers/outbound/src/entrypoint";
// A tenant Worker's `env.ASSETS` (its assets binding) when the runtime is Worker Loader (see assets/).
export { FerryAssets } from "./assets/entrypoint";
// The local runtime processes' socket for the control process's minute tick (see cron/).
export { Scheduler } from "./cron";
// A tenant Worker's KV namespace and D1 database bindings when the runtime is Worker Loader (see resources/).
export { FerryD1 } from "./resources/d1";
// A tenant Worker's Durable Object bindings when the runtime is Worker Loader (see resources/).
export { FerryObjectHost, FerryObjects } from "./resources/durable-objects";
export { FerryKV } from "./resources/kv";
export { FerryR2 } from "./resources/r2";
export { FerryService } from "./resources/service";
// The tail consumer of tenant isolates when the runtime is Worker Loader (see telemetry/).
export { FerryTail } from "./telemetry/tail";

function serve(target: RouteTarget | null, request: Request, env: DispatchEnv): Response | Promise<Response> {
	if (!target) return notFoundPage(requestIdOf(request));
	// Past its plan's monthly budget (workers/shared/budgets/): a null check on the cached route unless stopped.
	if (target.budgetExceeded !== null) {
		const now = Date.now();
		const stop = budgetStopOf(target, now);
		if (stop) return overBudgetPage(requestIdOf(request), stop, nextMonthStart(now));
	}
	// Quarantined (it stopped a local runtime process): its code does not run until the time passes.
	if (target.quarantinedUntil !== null) {
		const quarantined = quarantineOf(target, requestIdOf(request));
		if (quarantined) return quarantined;
	}
	// A deployment with static assets: they answer before or after its Worker (assets/, docs/assets.md).
	const assets = target.assetFiles === null ? null : assetServerFor(env);
	if (!assets) return runWorker(target, request, env);
	try {
		const response = assets.route(target, request, () => runWorker(target, request, env));
		return response instanceof Promise ? response.catch((error: unknown) => platformFailure(error, request)) : response;
	} catch (error) {
		return platformFailure(error, request);
	}
}

function runWorker(target: RouteTarget, request: Request, env: DispatchEnv): Promise<Response> {
	// The tenant's own error (500), a script deleted since this isolate cached its route (404), or the
	// platform's fault (503): see runtime/failures.ts.
	const fail = (error: unknown) =>
		failurePage(error, target, platformReads(env), requestIdOf(request)).catch(() => platformFailure(error, request));
	try {
		return runtimeFor(env).fetch(target, withRequestId(request)).catch(fail);
	} catch (error) {
		return fail(error);
	}
}

/** The platform itself failed (D1 unreachable for a route lookup, …): Ferry's 503 page, never workerd's bare 500. */
function platformFailure(error: unknown, request: Request): Response {
	const requestId = requestIdOf(request);
	log.error("the dispatcher could not serve a request", { requestId, url: request.url, error });
	return unavailablePage(requestId);
}

export default {
	fetch(request, env): Response | Promise<Response> {
		const label = routeLabel(hostOf(request.url), env.TENANT_DOMAIN);
		const target = label === undefined ? null : resolveRoute(platformReads(env), label);
		if (!(target instanceof Promise)) return serve(target, request, env);
		return target.then(
			(found) => serve(found, request, env),
			(error: unknown) => platformFailure(error, request),
		);
	},
	/**
	 * The dispatcher's own cron (production: `[triggers]` of its `[env.production]`, every minute): the
	 * tenants' cron triggers that fire this minute, each run on its live deployment (cron/, docs/cron.md).
	 */
	scheduled(controller, env, ctx): void {
		ctx.waitUntil(
			fanOut(env, controller.scheduledTime).catch((error: unknown) =>
				log.error("the cron fan-out failed", { scheduledTime: controller.scheduledTime, error }),
			),
		);
	},
} satisfies ExportedHandler<DispatchEnv>;

/** How many of a loaded route table's newest deployments have their code read ahead (a small part of the code cache's 1,000), and how many reads at once. */
const PREFETCH_DEPLOYMENTS = 64;
const PREFETCH_IN_FLIGHT = 4;

/**
 * Called by the API (service binding `ROUTES`) after it moved routes, before it answers the client.
 * Locally the control process fans the call out to every runtime process, naming in `prepare` the
 * labels this one serves: only their deployments are warmed here (all of them when not given).
 */
export class RouteControl extends WorkerEntrypoint<DispatchEnv> implements RouteControlApi, RouteTableApi {
	/** Locally: the control process reads this process's route table after this, then loads it (./routes.ts). */
	routeGeneration(): number {
		return routeGeneration();
	}

	/**
	 * Also reads ahead, in the background, the code of the newest deployments of the table (it is
	 * oldest first), a few at a time, so that their first request starts an isolate from memory.
	 */
	loadRoutes(targets: RouteTarget[], since: number): number {
		const kept = loadRoutes(targets, since);
		if (kept > 0) this.ctx.waitUntil(this.prefetch(targets.slice(-PREFETCH_DEPLOYMENTS).reverse()));
		return kept;
	}

	private async prefetch(targets: RouteTarget[]): Promise<void> {
		const runtime = runtimeFor(this.env);
		const queue = [...new Map(targets.map((target) => [target.deploymentId, target])).values()];
		const reader = async () => {
			for (let target = queue.shift(); target; target = queue.shift())
				await runtime
					.prefetch(target)
					.catch((error: unknown) => log.warn("could not read a deployment's code ahead", { deploymentId: target.deploymentId, error }));
		};
		await Promise.all(Array.from({ length: PREFETCH_IN_FLIGHT }, reader));
	}

	async refresh(labels: string[], prepare?: string[], code?: DeploymentCode): Promise<void> {
		const warm = prepare && new Set(prepare);
		// Labels another process serves are only dropped here: read on their first request if they ever
		// come (a failover), rather than one read per process on every deploy.
		if (warm) invalidateRoutes(labels.filter((label) => !warm.has(label)));
		const targets = await refreshRoutes(platformReads(this.env), warm ? labels.filter((label) => warm.has(label)) : labels);
		const runtime = runtimeFor(this.env);
		const now = Date.now();
		// A quarantined deployment is not started ahead of traffic: that would run its top level again.
		const runnable = targets.filter((target) => !(target.quarantinedUntil && target.quarantinedUntil > now));
		const deployments = new Map(runnable.map((target) => [target.deploymentId, target]));
		const assets = assetServerFor(this.env);
		// Warming is an optimisation: the routes are already right, so a failure here is only logged.
		const warmUp = async (target: RouteTarget) => {
			await Promise.all([
				assets && target.assetFiles !== null ? assets.prepare(target.deploymentId) : undefined,
				runtime.prepare(target, (work) => this.ctx.waitUntil(work), code?.manifest.deploymentId === target.deploymentId ? code : undefined),
			]);
		};
		await Promise.all(
			[...deployments.values()].map((target) =>
				warmUp(target).catch((error: unknown) =>
					log.warn("could not prepare a deployment after its route moved", { deploymentId: target.deploymentId, error }),
				),
			),
		);
	}
}
