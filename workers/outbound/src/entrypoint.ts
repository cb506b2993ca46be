/**
 * The egress gate as a loopback entrypoint, for runtimes that take an outbound Fetcher: the local
 * Worker Loader runtime passes `exports.FerryEgress({ props })` as the isolate's `globalOutbound`.
 * The props are set by the dispatcher when it creates the isolate; tenant code cannot see or change them.
 * The dispatcher's main module re-exports this class (dispatch/src/index.ts).
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import type { EgressContext } from "../../shared/egress/context";
import { egress } from "./egress";

export class FerryEgress extends WorkerEntrypoint<{ DB: D1Database }, EgressContext> {
	override fetch(request: Request): Promise<Response> {
		return egress(request, this.ctx.props, { db: this.env.DB });
	}
}
