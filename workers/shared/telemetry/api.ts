/**
 * The telemetry Worker's RPC surface (workers/telemetry/, its `Telemetry` entrypoint): the local
 * runtime processes' tail consumer sends it records, the API reads a script's logs through it.
 */
import type { EventsPage, EventsQuery, EventsTailQuery, NewTenantEvent, TenantEvent } from "./events";
import type { MetricsAnswer, MetricsQuery, ScriptTotals, ScriptUsage } from "./metrics";
import type { LogsPage, LogsQuery, TailQuery } from "./query";
import type { CollectedInvocation } from "./record";
import type { ScriptRows } from "./rows";

export interface TelemetryApi {
	/** Stores a batch of records (several scripts' at once); never throws for one bad script. */
	record(batch: CollectedInvocation[]): Promise<void>;
	/** The same, already as each script's rows (./rows.ts): what the runtime processes send, so the control process does least. */
	storeRows(batches: ScriptRows[]): Promise<void>;
	/** A script's stored records, newest first (by script id: a name may be reused after a delete). */
	logs(scriptId: string, query: LogsQuery): Promise<LogsPage>;
	/** A live tail of a script's records as an event stream (docs/telemetry.md); null when too many are open. */
	/** A script's per-step metrics from its per-minute rollups. */
	metrics(scriptId: string, query: MetricsQuery): Promise<MetricsAnswer>;
	/** Each script's use in a month (`YYYY-MM`), by script id. */
	usage(scriptIds: string[], month: string): Promise<Record<string, ScriptUsage>>;
	/** Each script's invocations and errors from `since` to `until` (ms), by script id, from its per-minute rollups. */
	totals(scriptIds: string[], since: number, until: number): Promise<Record<string, ScriptTotals>>;
	/** Records one of a tenant's events (workers/shared/telemetry/events.ts) and hands it to its live streams. */
	recordEvent(tenantId: string, event: NewTenantEvent): Promise<TenantEvent>;
	/** A tenant's events, newest first. */
	events(tenantId: string, query: EventsQuery): Promise<EventsPage>;
	/** A tenant's events live, as an event stream; null when too many are open. */
	liveEvents(tenantId: string, query: EventsTailQuery): Promise<ReadableStream<Uint8Array> | null>;
	liveTail(scriptId: string, query: TailQuery): Promise<ReadableStream<Uint8Array> | null>;
}

/** A TELEMETRY service binding as what it is (the generated binding types do not name the entrypoint's class). */
export const telemetryOf = (binding: Fetcher): TelemetryApi => binding as unknown as TelemetryApi;
