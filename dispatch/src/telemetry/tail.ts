/**
 * FerryTail: the tail consumer of every tenant isolate the Worker Loader runtime starts (given as
 * the isolate's `tails`, with the deployment as props). workerd hands it each finished invocation's
 * trace (console lines, exceptions, outcome, the request and response status); it turns them into
 * records and sends them to the telemetry Worker in batches. Tenant code is not wrapped, and the
 * dispatcher's own log lines are never in a tenant's trace.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { telemetryOf } from "../../../workers/shared/telemetry/api";
import type { InvocationSource } from "../../../workers/shared/telemetry/record";
import { invocationOf } from "../../../workers/shared/telemetry/trace";
import { RecordBatcher } from "./batch";

// One batcher per isolate; its sink is the env of the latest tail call (the same binding each time).
let sinkEnv: DispatchEnv | undefined;
const batcher = new RecordBatcher(() => {
	if (!sinkEnv?.TELEMETRY) throw new Error("the TELEMETRY binding is missing");
	return telemetryOf(sinkEnv.TELEMETRY);
});

export class FerryTail extends WorkerEntrypoint<DispatchEnv, InvocationSource> {
	override tail(events: TraceItem[]): void {
		if (!this.env.TELEMETRY) return;
		sinkEnv = this.env;
		const now = Date.now();
		this.ctx.waitUntil(batcher.add(events.map((item) => invocationOf(item, this.ctx.props, now))));
	}
}
