/**
 * The telemetry Worker's RPC surface (workers/telemetry/, its `Telemetry` entrypoint): the local
 * runtime processes' tail consumer sends it records, the API reads a script's logs through it.
 */
import type { LogsPage, LogsQuery } from "./query";
import type { CollectedInvocation } from "./record";

export interface TelemetryApi {
	/** Stores a batch of records (several scripts' at once); never throws for one bad script. */
	record(batch: CollectedInvocation[]): Promise<void>;
	/** A script's stored records, newest first (by script id: a name may be reused after a delete). */
	logs(scriptId: string, query: LogsQuery): Promise<LogsPage>;
}

/** A TELEMETRY service binding as what it is (the generated binding types do not name the entrypoint's class). */
export const telemetryOf = (binding: Fetcher): TelemetryApi => binding as unknown as TelemetryApi;
