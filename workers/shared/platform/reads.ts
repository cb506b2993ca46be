/**
 * What the request path reads from the platform's storage: routes, plan limits, egress allow-lists,
 * deployments' code and their static assets (the AssetStore reads). One interface, one implementation over D1 and R2 (./d1.ts): the dispatcher
 * calls it in-process in production; the local platform's runtime processes, which hold no storage
 * bindings, call the same implementation by RPC (their PLATFORM binding, served by the control
 * process's PlatformServices entrypoint, local/control/). Every method is a cache miss of its caller.
 *
 * Everything crosses RPC, so arguments and results are plain data (Map and ArrayBuffer included) or
 * streams (an asset's body streams from R2 through the control process, never buffered there).
 */
import type { AssetStore } from "../assets/store";
import type { PlanLimits } from "../runtime/plans";
import type { RouteTarget } from "../runtime/route";
import type { DeploymentCode } from "./code";

export type { DeploymentCode } from "./code";

export interface PlatformReads extends AssetStore {
	/** The targets of these labels that exist (a label without a route is absent from the answer). */
	routes(labels: readonly string[]): Promise<RouteTarget[]>;
	/** The tenant's plan limits (the defaults when its plan has no row). */
	limits(tenantId: string): Promise<PlanLimits>;
	/** The hosts the tenant's code may reach, lowercase (none: no network). */
	allowList(tenantId: string): Promise<string[]>;
	/** The deployment's code with its secrets; rejects when R2 lacks its manifest or a module, or a secret does not open. */
	deploymentCode(deploymentId: string): Promise<DeploymentCode>;
}
