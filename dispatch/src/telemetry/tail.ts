/**
 * FerryTail: the tail consumer of every tenant isolate the Worker Loader runtime starts (given as
 * the isolate's `tails`, with the deployment as props). workerd hands it each finished invocation's
 * trace (console lines, exceptions, outcome, the request and response status); it turns them into
 * records and sends them to the telemetry Worker in batches, as each script's rows. Tenant code is not wrapped, and the
 * dispatcher's own log lines are never in a tenant's trace.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { telemetryOf } from "../../../workers/shared/telemetry/api";
import type { InvocationSource } from "../../../workers/shared/telemetry/record";
import { rowsByScript } from "../../../workers/shared/telemetry/rows";
import { invocationOf } from "../../../workers/shared/telemetry/trace";
import { RecordBatcher, type RecordSink } from "./batch";

/** One queue per isolate; each flush uses the binding of the call that runs it (./batch.ts). */
const batcher = new RecordBatcher();

/**
 * Records leave as each script's rows (workers/shared/telemetry/rows.ts): built here, in the runtime
 * process, so the control process (which also runs the edge) only inserts them.
 */
function sinkOf(binding: Fetcher): RecordSink {
	const telemetry = telemetryOf(binding);
	return { record: (batch) => telemetry.storeRows(rowsByScript(batch)) };
}

export class FerryTail extends WorkerEntrypoint<DispatchEnv, InvocationSource> {
	override tail(events: TraceItem[]): void {
		if (!this.env.TELEMETRY) return;
		const now = Date.now();
		const flush = batcher.add(
			events.map((item) => invocationOf(item, this.ctx.props, now)),
			sinkOf(this.env.TELEMETRY),
		);
		if (flush) this.ctx.waitUntil(flush);
	}
}
