/**
 * The egress gate: every subrequest of tenant code passes here (production: the dispatch namespace's
 * outbound Worker, ./index.ts; locally: the dispatcher's FerryEgress entrypoint, ./entrypoint.ts).
 * It counts the subrequest, applies the tenant's policy, logs one line, and either forwards the
 * request unchanged or rejects it so that the tenant's fetch() rejects, as with no network at all.
 */

import { decideEgress, denialMessage, type EgressDenial } from "../../shared/egress/policy";
import { log } from "../../shared/log";
import { allowListFor } from "./allow-list";
import { SubrequestCounter } from "./counter";

/** Who is asking. The dispatcher supplies it; tenant code cannot change it. */
export interface EgressContext {
	tenantId: string;
	deploymentId: string;
	/** The tenant request this subrequest belongs to (Cloudflare's ray id), when the runtime can say. */
	requestId?: string;
}

export class EgressDenied extends Error {
	override name = "EgressDenied";

	constructor(
		readonly reason: EgressDenial,
		url: URL,
	) {
		super(denialMessage(reason, url));
	}
}

const counter = new SubrequestCounter();

/**
 * The key subrequests are counted under: the tenant request when known. A local Worker Loader isolate
 * serves every request of its deployment with one outbound binding, so there the count is per isolate.
 */
export const countKey = (context: EgressContext): string => context.requestId || `deployment:${context.deploymentId}`;

/** How many subrequests the gate has seen for `context` in this isolate. */
export const subrequestCount = (context: EgressContext): number => counter.count(countKey(context));

export interface EgressDeps {
	db: D1Database;
	/** Sends an allowed request on (the internet). */
	forward?: (request: Request) => Promise<Response>;
}

export async function egress(request: Request, context: EgressContext, deps: EgressDeps): Promise<Response> {
	const url = new URL(request.url);
	const subrequest = counter.next(countKey(context));
	const decision = decideEgress(url, await allowListFor(deps.db, context.tenantId));
	const fields = { ...context, subrequest, method: request.method, host: url.host };
	if (!decision.allow) {
		log.warn("egress denied", { ...fields, reason: decision.reason });
		throw new EgressDenied(decision.reason, url);
	}
	log.info("egress", fields);
	return (deps.forward ?? fetch)(request);
}
