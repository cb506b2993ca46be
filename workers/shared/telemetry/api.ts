/**
 * The telemetry Worker's RPC surface (workers/telemetry/, its `Telemetry` entrypoint): the local
 * runtime processes' tail consumer sends it records, the API reads a script's logs through it.
 */
import type { MetricsAnswer, MetricsQuery, ScriptUsage } from "./metrics";
import type { LogsPage, LogsQuery, TailQuery } from "./query";
import type { CollectedInvocation } from "./record";

export interface TelemetryApi {
	/** Stores a batch of records (several scripts' at once); never throws for one bad script. */
	record(batch: CollectedInvocation[]): Promise<void>;
	/** A script's stored records, newest first (by script id: a name may be reused after a delete). */
	logs(scriptId: string, query: LogsQuery): Promise<LogsPage>;
	/** A live tail of a script's records as an event stream (docs/telemetry.md); null when too many are open. */
	/** A script's per-step metrics from its per-minute rollups. */
	metrics(scriptId: string, query: MetricsQuery): Promise<MetricsAnswer>;
	/** Each script's use in a month (`YYYY-MM`), by script id. */
	usage(scriptIds: string[], month: string): Promise<Record<string, ScriptUsage>>;
	liveTail(scriptId: string, query: TailQuery): Promise<ReadableStream<Uint8Array> | null>;
}

/** A TELEMETRY service binding as what it is (the generated binding types do not name the entrypoint's class). */
export const telemetryOf = (binding: Fetcher): TelemetryApi => binding as unknown as TelemetryApi;
