/**
 * The Worker Loader runtime adapter (local, and production when RUNTIME = "worker-loader"): each
 * deployment runs in a Worker Loader isolate named by its deployment id. The code is read from R2
 * only when the runtime has no warm isolate for that id (`getCode` is lazy), so a warm request
 * touches neither R2 nor D1 (the plan limits are cached too).
 */
import type { EgressContext } from "../../../workers/outbound/src/egress";
import { ArtifactStore } from "../../../workers/shared/artifacts";
import type { RouteTarget, RuntimeAdapter } from "../../../workers/shared/runtime/route";
import { workerCode } from "../../../workers/shared/runtime/worker-code";
import type { PlanLimits } from "./plans";

export interface WorkerLoaderRuntimeDeps {
	loader: WorkerLoader;
	artifacts: R2Bucket;
	limitsFor(tenantId: string): Promise<PlanLimits>;
	/**
	 * The egress gate for one deployment's isolate. The isolate outlives a request, so the gate knows
	 * the tenant and the deployment but not which request a subrequest belongs to.
	 */
	egress(context: EgressContext): Fetcher;
}

export class WorkerLoaderRuntime implements RuntimeAdapter {
	private readonly artifacts: ArtifactStore;

	constructor(private readonly deps: WorkerLoaderRuntimeDeps) {
		this.artifacts = new ArtifactStore(deps.artifacts);
	}

	async fetch(target: RouteTarget, request: Request): Promise<Response> {
		const limits = await this.deps.limitsFor(target.tenantId);
		const worker = this.deps.loader.get(target.deploymentId, async () => {
			const { manifest, blobs } = await this.artifacts.getDeployment(target.deploymentId);
			const globalOutbound = this.deps.egress({ tenantId: target.tenantId, deploymentId: target.deploymentId });
			return workerCode(manifest, blobs, { globalOutbound });
		});
		// workerd does not enforce these locally (see docs/architecture.md); Cloudflare does.
		return worker.getEntrypoint(undefined, { limits }).fetch(request);
	}
}
