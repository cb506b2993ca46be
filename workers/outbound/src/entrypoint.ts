/**
 * The egress gate as a loopback entrypoint, for runtimes that take an outbound Fetcher: the local
 * Worker Loader runtime passes `exports.FerryEgress({ props })` as the isolate's `globalOutbound`.
 * The props are set by the dispatcher when it creates the isolate; tenant code cannot see or change them.
 * The dispatcher's main module re-exports this class (dispatch/src/index.ts). Its allow-lists come
 * through PlatformReads: the dispatcher's own D1, or the control process for a local runtime process.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import type { EgressContext } from "../../shared/egress/context";
import { type PlatformBindings, platformReads } from "../../shared/platform";
import { egress } from "./egress";

export class FerryEgress extends WorkerEntrypoint<PlatformBindings, EgressContext> {
	override fetch(request: Request): Promise<Response> {
		const reads = platformReads(this.env);
		return egress(request, this.ctx.props, { allowList: (tenantId) => reads.allowList(tenantId) });
	}
}
