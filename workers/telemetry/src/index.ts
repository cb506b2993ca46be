/**
 * The telemetry Worker (docs/telemetry.md): where every invocation record of tenant code ends up.
 *
 *   tail()     production: the tail consumer of every namespace script (the upload names it in
 *              `tail_consumers`); which script a trace belongs to comes from the script's tags,
 *              which only the platform sets.
 *   Telemetry  RPC: records from the local runtime processes' tail consumer (dispatch/src/telemetry/),
 *              already as each script's rows (workers/shared/telemetry/rows.ts), and reads for the API.
 *
 * Records go to one Durable Object per script (./store.ts).
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { log } from "../../shared/log";
import type { TelemetryApi } from "../../shared/telemetry/api";
import type { EventsPage, EventsQuery, EventsTailQuery, NewTenantEvent, TenantEvent } from "../../shared/telemetry/events";
import type { MetricsAnswer, MetricsQuery, ScriptTotals, ScriptUsage } from "../../shared/telemetry/metrics";
import type { LogsPage, LogsQuery, TailQuery } from "../../shared/telemetry/query";
import type { CollectedInvocation, InvocationSource } from "../../shared/telemetry/record";
import { rowsByScript, type ScriptRows } from "../../shared/telemetry/rows";
import { sourceFromTags } from "../../shared/telemetry/tags";
import { invocationOf } from "../../shared/telemetry/trace";

export { TenantEvents } from "./events";
export { ScriptTelemetry } from "./store";

const USAGE_CONCURRENCY = 20;

const eventsOf = (env: TelemetryEnv, tenantId: string) => env.TENANT_EVENTS.get(env.TENANT_EVENTS.idFromName(tenantId));

const storeOf = (env: TelemetryEnv, scriptId: string) => env.SCRIPT_TELEMETRY.get(env.SCRIPT_TELEMETRY.idFromName(scriptId));

/** Each script's rows to its store, all scripts at once; one store failing loses only its own batch (logged with its count). */
async function store(env: TelemetryEnv, batches: ScriptRows[]): Promise<void> {
	await Promise.all(
		batches.map((rows) =>
			storeOf(env, rows.scriptId)
				.appendRows(rows)
				.catch((error: unknown) => log.error("could not store invocation records", { scriptId: rows.scriptId, count: rows.count, error })),
		),
	);
}

/** One answer of each script's object, by script id, USAGE_CONCURRENCY at a time (an operator's view spans every script). */
async function eachStore<T>(
	env: TelemetryEnv,
	scriptIds: string[],
	ask: (store: ReturnType<typeof storeOf>) => Promise<T>,
): Promise<Record<string, T>> {
	const answers: Record<string, T> = {};
	for (let i = 0; i < scriptIds.length; i += USAGE_CONCURRENCY) {
		const chunk = scriptIds.slice(i, i + USAGE_CONCURRENCY);
		const values = await Promise.all(chunk.map((id) => ask(storeOf(env, id))));
		chunk.forEach((id, j) => {
			answers[id] = values[j]!;
		});
	}
	return answers;
}

export class Telemetry extends WorkerEntrypoint<TelemetryEnv> implements TelemetryApi {
	record(batch: CollectedInvocation[]): Promise<void> {
		return store(this.env, rowsByScript(batch));
	}

	storeRows(batches: ScriptRows[]): Promise<void> {
		return store(this.env, batches);
	}

	logs(scriptId: string, query: LogsQuery): Promise<LogsPage> {
		return storeOf(this.env, scriptId).logs(query);
	}

	metrics(scriptId: string, query: MetricsQuery): Promise<MetricsAnswer> {
		return storeOf(this.env, scriptId).metrics(query);
	}

	usage(scriptIds: string[], month: string): Promise<Record<string, ScriptUsage>> {
		return eachStore(this.env, scriptIds, (store) => store.usage(month));
	}

	totals(scriptIds: string[], since: number, until: number): Promise<Record<string, ScriptTotals>> {
		return eachStore(this.env, scriptIds, (store) => store.totals(since, until));
	}

	recordEvent(tenantId: string, event: NewTenantEvent): Promise<TenantEvent> {
		return eventsOf(this.env, tenantId).record(event);
	}

	events(tenantId: string, query: EventsQuery): Promise<EventsPage> {
		return eventsOf(this.env, tenantId).list(query);
	}

	liveEvents(tenantId: string, query: EventsTailQuery): Promise<ReadableStream<Uint8Array> | null> {
		return eventsOf(this.env, tenantId).liveEvents(query);
	}

	liveTail(scriptId: string, query: TailQuery): Promise<ReadableStream<Uint8Array> | null> {
		return storeOf(this.env, scriptId).liveTail(query);
	}
}

export default {
	/** Production: traces of namespace scripts. One without Ferry's tags is not a tenant's and is skipped. */
	async tail(events, env) {
		const now = Date.now();
		const batch: CollectedInvocation[] = [];
		for (const item of events) {
			const source: InvocationSource | undefined = sourceFromTags(item.scriptTags ?? [], item.scriptName);
			if (source) batch.push(invocationOf(item, source, now));
		}
		await store(env, rowsByScript(batch));
	},
} satisfies ExportedHandler<TelemetryEnv>;
