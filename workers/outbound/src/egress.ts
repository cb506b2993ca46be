/**
 * The egress gate: every subrequest of tenant code passes here (production: the dispatch namespace's
 * outbound Worker, ./index.ts; locally: the dispatcher's FerryEgress entrypoint, ./entrypoint.ts).
 * It counts the subrequest, applies the tenant's policy, logs one line, and either forwards the
 * request unchanged or answers it with a denial: 403, the reason code in `x-ferry-egress-denied`,
 * the reason in the body.
 *
 * A denial is an answer, not a thrown error: the gate's handler throwing would be an uncaught
 * exception of the gate on every denial (workerd logs each one; Cloudflare counts the outbound
 * Worker's invocation as failed), for what is the policy working as intended.
 */

import type { EgressContext } from "../../shared/egress/context";
import { EGRESS_DENIED_HEADER } from "../../shared/egress/denial";
import { decideEgress, denialMessage, type EgressDenial } from "../../shared/egress/policy";
import { log } from "../../shared/log";
import { type AllowListRead, allowListFor } from "./allow-list";
import { SubrequestCounter } from "./counter";

/** What tenant code's fetch() resolves with when the gate refuses: enough to fix the allow-list, nothing about the platform. */
export function denialResponse(reason: EgressDenial, url: URL): Response {
	return new Response(`${denialMessage(reason, url)}\n`, {
		status: 403,
		headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", [EGRESS_DENIED_HEADER]: reason },
	});
}

const counter = new SubrequestCounter();

/**
 * The key subrequests are counted under: the tenant request when known. A local Worker Loader isolate
 * serves every request of its deployment with one outbound binding, so there the count is per isolate.
 */
const countKey = (context: EgressContext): string => context.requestId || `deployment:${context.deploymentId}`;

export interface EgressDeps {
	/** The tenant's allow-list from storage (cached here per isolate). */
	allowList: AllowListRead;
	/** Sends an allowed request on (the internet). */
	forward?: (request: Request) => Promise<Response>;
}

export async function egress(request: Request, context: EgressContext, deps: EgressDeps): Promise<Response> {
	const url = new URL(request.url);
	const subrequest = counter.next(countKey(context));
	const decision = decideEgress(url, await allowListFor(deps.allowList, context.tenantId));
	const fields = { ...context, subrequest, method: request.method, host: url.host };
	if (!decision.allow) {
		log.warn("egress denied", { ...fields, reason: decision.reason });
		return denialResponse(decision.reason, url);
	}
	log.info("egress", fields);
	return (deps.forward ?? fetch)(request);
}
