/**
 * ferry-outbound: the dispatch namespace's outbound Worker in production. Cloudflare sends every
 * subrequest of a tenant Worker here, with the parameters the dispatcher passed to
 * `DISPATCHER.get(…, { outbound })` merged into `env` (see the `outbound` of the namespace binding in
 * ../../wrangler.toml). Without them it refuses everything: fail closed.
 */
import type { EgressContext } from "../../shared/egress/context";
import { log } from "../../shared/log";
import { readAllowList } from "../../shared/platform/d1";
import { denialResponse, egress } from "./egress";

/** The outbound parameters, as the namespace binding declares them. */
type OutboundParams = { [K in keyof EgressContext]?: unknown };

function contextFrom(params: OutboundParams): EgressContext | undefined {
	const { tenantId, deploymentId, requestId } = params;
	if (typeof tenantId !== "string" || !tenantId || typeof deploymentId !== "string" || !deploymentId) return undefined;
	return { tenantId, deploymentId, requestId: typeof requestId === "string" && requestId ? requestId : undefined };
}

export default {
	async fetch(request, env): Promise<Response> {
		const context = contextFrom(env as OutboundEnv & OutboundParams);
		if (!context) {
			log.error("egress without dispatch parameters: refused", { url: request.url, reason: "unidentified" });
			return denialResponse("unidentified", new URL(request.url));
		}
		return egress(request, context, { allowList: (tenantId) => readAllowList(env.DB, tenantId) });
	},
} satisfies ExportedHandler<OutboundEnv>;
