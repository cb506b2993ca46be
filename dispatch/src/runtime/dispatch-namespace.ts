/**
 * The dispatch-namespace runtime adapter (production, RUNTIME = "dispatch-namespace", Workers for
 * Platforms): the deployment's script in the dispatch namespace (uploaded at its Loaded stage by the
 * API's dispatch-namespace publisher), run with the tenant's plan limits. The namespace's outbound Worker
 * (ferry-outbound) gets the tenant, the deployment and the request as parameters, so egress is
 * counted per tenant request.
 *
 * A deployment the namespace does not hold makes `fetch()` reject (not `get()`; see workerd#5263)
 * with an error Cloudflare only describes by its message. Ferry never reads that message: such an
 * error is not one the tenant's code threw, and ./failures.ts asks the route table whether the
 * script still exists (404) or the platform is at fault (503).
 */
import type { EgressContext } from "../../../workers/shared/egress/context";
import { requestIdOf } from "../../../workers/shared/http/request-id";
import { continueWith, type MaybePromise } from "../../../workers/shared/maybe-promise";
import type { RouteTarget, RuntimeAdapter } from "../../../workers/shared/runtime/route";
import { namespaceScriptName } from "../../../workers/shared/runtime/select";
import type { PlanLimits } from "./plans";

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

	/** Nothing to warm: Cloudflare holds the code, uploaded at the deployment's Loaded stage. */
	async prepare(): Promise<void> {}

	private run(target: RouteTarget, request: Request, limits: PlanLimits): Promise<Response> {
		// The request's id (Cloudflare's ray id): the gate's log lines name the request Ferry's pages name.
		const outbound: EgressContext = { tenantId: target.tenantId, deploymentId: target.deploymentId, requestId: requestIdOf(request) };
		const worker = this.deps.namespace.get(namespaceScriptName(target.deploymentId), {}, { limits, outbound: { ...outbound } });
		return worker.fetch(request);
	}
}
