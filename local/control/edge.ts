/**
 * The edge: the public port of the local platform. The platform's own hosts under PLATFORM_DOMAIN go
 * to their Workers in this process (`api.` the API; `dash.` the panel), and so does `/client/v4` on
 * `localhost` or `127.0.0.1` (stock Node clients cannot resolve `api.localhost`); every other
 * host to the runtime process that owns its script under TENANT_DOMAIN (./slots.ts), unchanged: the
 * runtime's dispatcher resolves the route itself, from its own cache. The edge never runs tenant code
 * and reads no storage; per request it gives the request its id (`cf-ray`, as Cloudflare does), picks a
 * slot, notes the request in flight until its response headers arrive (./in-flight.ts) and forwards
 * it through the slot's external service binding.
 */
import { unavailablePage } from "../../dispatch/src/pages";
import { hostOf, isLoopbackClientV4, type PlatformHost, platformHostOf, routeLabel } from "../../workers/shared/hosts";
import { requestIdOf, withNewRequestId } from "../../workers/shared/http/request-id";
import { log } from "../../workers/shared/log";
import { added, inFlight, slots } from "./state";

/** The platform's own hosts and the binding of the Worker each goes to. */
const PLATFORM_WORKERS: Record<PlatformHost, "API" | "PANEL"> = { api: "API", dash: "PANEL" };

export function edge(request: Request, env: ControlEnv): Response | Promise<Response> {
	const host = hostOf(request.url);
	const own = platformHostOf(host, env.PLATFORM_DOMAIN);
	const worker = own && PLATFORM_WORKERS[own];
	if (worker) return env[worker].fetch(request);
	if (isLoopbackClientV4(host, request.url)) return env.API.fetch(request);
	// A host that is not a tenant's still goes to a runtime, whose dispatcher answers its 404 page.
	return forward(request, env, routeLabel(host, env.TENANT_DOMAIN) ?? "");
}

function forward(incoming: Request, env: ControlEnv, label: string): Response | Promise<Response> {
	const request = withNewRequestId(incoming);
	const channel = slots.pick(label);
	// Held (a suspect of a wedge, for the moment the supervisor takes to decide) or no runtime up.
	if (typeof channel !== "object") return unavailablePage(requestIdOf(request));
	const token = inFlight.start(channel.index, label);
	return added(env, channel.binding)
		.fetch(request)
		.then(
			(response) => {
				inFlight.end(channel.index, token);
				return response;
			},
			(error: unknown) => {
				// The process went away under the request (killed as wedged, or it crashed).
				inFlight.fail(channel.index, token);
				log.warn("a runtime process did not answer", { slot: channel.slot, side: channel.side, label, error });
				return unavailablePage(requestIdOf(request));
			},
		);
}
