/**
 * The dispatch-namespace runtime adapter (production, RUNTIME = "dispatch-namespace", Workers for
 * Platforms): the deployment's script in the dispatch namespace (uploaded at its Loaded stage by the
 * API's dispatch-namespace publisher), run with the tenant's plan limits. The namespace's outbound Worker
 * (ferry-outbound) gets the tenant, the deployment and the request as parameters, so egress is
 * counted per tenant request.
 *
 * A deployment the namespace does not hold makes `fetch()` reject (not `get()`; see workerd#5263)
 * with "Worker not found."; a tenant over its CPU limit makes it reject with "… CPU time limit …".
 * Cloudflare describes both by their messages only; ./failures.ts reads them (the 404 page, the
 * tenant's 5xx page), never at the cost of a D1 read per request.
 *
 * The per-request limits passed here are the ones that apply: every namespace script is uploaded
 * with the highest CPU limit a plan may have (the API's publish/dispatch-namespace/form.ts), and
 * Cloudflare applies the lower of the two.
 */
import type { EgressContext } from "../../../workers/shared/egress/context";
import { requestIdOf } from "../../../workers/shared/http/request-id";
import { continueWith, type MaybePromise } from "../../../workers/shared/maybe-promise";
import type { RouteTarget, RuntimeAdapter, ScheduledEvent } from "../../../workers/shared/runtime/route";
import { namespaceScriptName } from "../../../workers/shared/runtime/select";
import type { PlanLimits } from "./plans";
import type { ScheduledFetcher } from "./worker-loader";

export interface DispatchNamespaceRuntimeDeps {
	namespace: DispatchNamespace;
	/** The cached limits as a plain value, else a promise. */
	limitsFor(tenantId: string): MaybePromise<PlanLimits>;
}

export class DispatchNamespaceRuntime implements RuntimeAdapter {
	constructor(private readonly deps: DispatchNamespaceRuntimeDeps) {}

	fetch(target: RouteTarget, request: Request): Promise<Response> {
		return continueWith(this.deps.limitsFor(target.tenantId), (limits) => this.run(target, request, limits));
	}

	/**
	 * The namespace script's scheduled handler (`env.DISPATCHER.get(name).scheduled(…)`), with the
	 * tenant's limits; the outbound Worker counts its subrequests under a request id of the cron's own.
	 */
	scheduled(target: RouteTarget, { cron, scheduledTime }: ScheduledEvent): Promise<{ outcome: string }> {
		return continueWith(this.deps.limitsFor(target.tenantId), (limits) => {
			const outbound: EgressContext = {
				tenantId: target.tenantId,
				deploymentId: target.deploymentId,
				requestId: `cron-${scheduledTime}`,
			};
			const worker = this.deps.namespace.get(namespaceScriptName(target.deploymentId), {}, { limits, outbound: { ...outbound } });
			return (worker as unknown as ScheduledFetcher).scheduled({ cron, scheduledTime: new Date(scheduledTime) });
		});
	}

	/** Nothing to warm: Cloudflare holds the code, uploaded at the deployment's Loaded stage. */
	async prepare(): Promise<void> {}

	async prefetch(): Promise<void> {}

	private run(target: RouteTarget, request: Request, limits: PlanLimits): Promise<Response> {
		// The request's id (Cloudflare's ray id): the gate's log lines name the request Ferry's pages name.
		const outbound: EgressContext = { tenantId: target.tenantId, deploymentId: target.deploymentId, requestId: requestIdOf(request) };
		const worker = this.deps.namespace.get(namespaceScriptName(target.deploymentId), {}, { limits, outbound: { ...outbound } });
		return worker.fetch(request);
	}
}
