/**
 * The dispatcher: every request for *.<PLATFORM_DOMAIN> arrives here, is matched to a route by its
 * hostname and handed to the tenant's code through the runtime adapter. The tenant sees the request
 * and its own vars, never this Worker's bindings.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { hostOf, routeLabel } from "../../workers/shared/hosts";
import { newId } from "../../workers/shared/ids";
import type { RouteControlApi, RuntimeAdapter } from "../../workers/shared/runtime/route";
import { notFoundPage } from "./pages";
import { invalidateRoutes, resolveRoute } from "./routes";
import { failurePage, runtimeFor } from "./runtime";

// Tenant subrequests pass through this entrypoint when the runtime is Worker Loader (see runtime/).
export { FerryEgress } from "../../workers/outbound/src/entrypoint";

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
			// The tenant's own error (500), a script deleted since this isolate cached its route (404),
			// or the platform's fault (503): see runtime/failures.ts.
			return failurePage(error, target, env.DB, requestIdOf(request));
		}
	},
} satisfies ExportedHandler<DispatchEnv>;

/** Called by the API (service binding `ROUTES`) after it moved routes, before it answers the client. */
export class RouteControl extends WorkerEntrypoint<DispatchEnv> implements RouteControlApi {
	async invalidate(labels: string[]): Promise<void> {
		invalidateRoutes(labels);
	}
}
