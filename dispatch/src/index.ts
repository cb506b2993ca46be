/**
 * The dispatcher: every request for *.<PLATFORM_DOMAIN> arrives here, is matched to a route by its
 * hostname and handed to the tenant's code through the runtime adapter. The tenant sees the request
 * and its own vars, never this Worker's bindings.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { hostOf, routeLabel } from "../../workers/shared/hosts";
import { newId } from "../../workers/shared/ids";
import { log } from "../../workers/shared/log";
import type { RouteControlApi, RuntimeAdapter } from "../../workers/shared/runtime/route";
import { notFoundPage, tenantErrorPage } from "./pages";
import { invalidateRoutes, resolveRoute } from "./routes";
import { runtimeFor } from "./runtime";

const requestIdOf = (request: Request) => request.headers.get("cf-ray") ?? newId(16);

export default {
	async fetch(request, env): Promise<Response> {
		const label = routeLabel(hostOf(request.url), env.PLATFORM_DOMAIN);
		const target = label === undefined ? null : await resolveRoute(env.DB, label);
		if (!target) return notFoundPage(requestIdOf(request));
		const runtime: RuntimeAdapter = runtimeFor(env);
		try {
			return await runtime.fetch(target, request);
		} catch (error) {
			const requestId = requestIdOf(request);
			log.error("tenant script failed", {
				requestId,
				script: target.scriptName,
				deploymentId: target.deploymentId,
				error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
			});
			return tenantErrorPage(requestId);
		}
	},
} satisfies ExportedHandler<DispatchEnv>;

/** Called by the API (service binding `ROUTES`) after it moved routes, before it answers the client. */
export class RouteControl extends WorkerEntrypoint<DispatchEnv> implements RouteControlApi {
	async invalidate(labels: string[]): Promise<void> {
		invalidateRoutes(labels);
	}
}
