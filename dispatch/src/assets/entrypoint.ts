/**
 * `env.ASSETS` of a tenant's Worker (its `assets.binding`): a loopback entrypoint of the dispatcher
 * whose props name the deployment, passed into the tenant's env by the Worker Loader runtime as the
 * egress gate is (see ../runtime/). The tenant's code cannot name another deployment: the props are
 * the dispatcher's, set when the isolate was created. Its fetch is the asset side alone, as
 * Cloudflare's binding is (not_found_handling applies; the Worker is never run again).
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { assetServerFor } from "./server";

export interface AssetsBindingProps {
	tenantId: string;
	deploymentId: string;
}

export class FerryAssets extends WorkerEntrypoint<DispatchEnv, AssetsBindingProps> {
	override async fetch(request: Request): Promise<Response> {
		const server = assetServerFor(this.env);
		if (!server) return new Response(null, { status: 404 });
		return server.fetch(this.ctx.props.deploymentId, request);
	}
}
