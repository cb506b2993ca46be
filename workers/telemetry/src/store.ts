/**
 * One script's telemetry: a Durable Object per script id, with SQLite storage. A script's
 * invocations arrive one batch at a time from one writer per runtime process, and are read a page
 * at a time; a Durable Object keeps that write volume off the platform's D1 database (which every
 * deploy and every route miss reads), and each script's data apart (docs/telemetry.md).
 *
 * Retention: the last RETAINED_INVOCATIONS invocations, and none older than RETENTION_MS; the
 * per-minute rollups and monthly usage (./rollups.ts) longer.
 */
import { DurableObject } from "cloudflare:workers";
import type { MetricsAnswer, MetricsQuery, ScriptTotals, ScriptUsage } from "../../shared/telemetry/metrics";
import { cursorOf, type LogsPage, type LogsQuery, type TailQuery, tailMatches } from "../../shared/telemetry/query";
import { type InvocationRecord, levelRank } from "../../shared/telemetry/record";
import { type ScriptRows, type StoredRow, scriptRows } from "../../shared/telemetry/rows";
import { LiveTails } from "./live";
import { Rollups } from "./rollups";

export const RETAINED_INVOCATIONS = 10_000;
export const RETENTION_MS = 7 * 86_400_000;

type Stored = Omit<InvocationRecord, "id">;

interface Row extends Record<string, SqlStorageValue> {
	id: number;
	time: number;
	record: string;
}

export class ScriptTelemetry extends DurableObject<TelemetryEnv> {
	private readonly sql: SqlStorage;
	private readonly live = new LiveTails<InvocationRecord, TailQuery>({ event: "invocation", matches: tailMatches });
	private readonly rollups: Rollups;

	constructor(ctx: DurableObjectState, env: TelemetryEnv) {
		super(ctx, env);
		this.sql = ctx.storage.sql;
		this.sql.exec(`CREATE TABLE IF NOT EXISTS invocations (
			id INTEGER PRIMARY KEY AUTOINCREMENT,
			time INTEGER NOT NULL,
			deployment TEXT NOT NULL,
			level INTEGER NOT NULL,
			status INTEGER,
			failed INTEGER NOT NULL,
			text TEXT NOT NULL,
			record TEXT NOT NULL
		)`);
		this.sql.exec("CREATE INDEX IF NOT EXISTS invocations_time ON invocations (time)");
		this.rollups = new Rollups(this.sql);
	}

	/** Stores records as they are (tests; the collectors send rows, appendRows). */
	append(records: Stored[]): void {
		this.appendRows(scriptRows("", records));
	}

	/**
	 * Stores a batch as the collectors build it (workers/shared/telemetry/rows.ts): one INSERT per
	 * chunk, SQLite reading the rows out of the JSON text, then the rollups' counts and the live tails.
	 * All of it in one synchronous step, so one implicit transaction.
	 */
	appendRows(batch: ScriptRows): void {
		const live = this.live.open > 0;
		const stored: InvocationRecord[] = [];
		for (const chunk of batch.chunks) {
			const cursor = this.sql.exec<{ id: number }>(
				`INSERT INTO invocations (time, deployment, level, status, failed, text, record)
				SELECT value ->> 't', value ->> 'd', value ->> 'l', value ->> 's', value ->> 'f', value ->> 'x', value -> 'r'
				FROM json_each(?) ORDER BY key ${live ? "RETURNING id" : ""}`,
				chunk,
			);
			if (!live) continue;
			// Rows are inserted in the chunk's order (ORDER BY key), so their new ids ascend with it;
			// RETURNING's own order is unspecified.
			const ids = cursor
				.toArray()
				.map((row) => row.id)
				.sort((a, b) => a - b);
			(JSON.parse(chunk) as StoredRow[]).forEach((row, i) => {
				stored.push({ id: cursorOf({ time: row.t, id: ids[i]! }), ...row.r });
			});
		}
		this.rollups.add(batch.counts);
		if (live) this.live.publish(stored);
		this.sql.exec(
			"DELETE FROM invocations WHERE id <= (SELECT MAX(id) FROM invocations) - ? OR time < ?",
			RETAINED_INVOCATIONS,
			Date.now() - RETENTION_MS,
		);
	}

	/** A live tail of the records appended from now on (./live.ts); null when the script has as many open as it may. */
	liveTail(query: TailQuery): ReadableStream<Uint8Array> | null {
		return this.live.subscribe(query);
	}

	/** How many live tails are open (the tests' and the operator's view of their bounds). */
	openTails(): number {
		return this.live.open;
	}

	metrics(query: MetricsQuery): MetricsAnswer {
		return this.rollups.metrics(query);
	}

	usage(month: string): ScriptUsage {
		return this.rollups.usage(month);
	}

	totals(since: number, until: number): ScriptTotals {
		return this.rollups.totals(since, until);
	}

	logs(query: LogsQuery): LogsPage {
		const where: string[] = [];
		const params: SqlStorageValue[] = [];
		const add = (clause: string, ...values: SqlStorageValue[]) => {
			where.push(clause);
			params.push(...values);
		};
		if (query.before !== undefined) add("(time < ? OR (time = ? AND id < ?))", query.before.time, query.before.time, query.before.id);
		if (query.since !== undefined) add("time >= ?", query.since);
		if (query.until !== undefined) add("time < ?", query.until);
		if (query.deployment !== undefined) add("deployment = ?", query.deployment);
		if (query.level !== undefined) add("level >= ?", levelRank(query.level));
		if (query.q !== undefined) add("instr(text, ?) > 0", query.q.toLowerCase());
		const status = query.status;
		if (status === "error") add("failed = 1");
		else if (status === "ok") add("failed = 0");
		else if (typeof status === "number") add("status = ?", status);
		else if (status !== undefined) add("status >= ? AND status < ?", Number(status[0]) * 100, Number(status[0]) * 100 + 100);
		const rows = this.sql
			.exec<Row>(
				`SELECT id, time, record FROM invocations ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY time DESC, id DESC LIMIT ?`,
				...params,
				query.limit + 1,
			)
			.toArray();
		const page = rows.slice(0, query.limit);
		const invocations = page.map((row) => ({ id: cursorOf(row), ...(JSON.parse(row.record) as Stored) }));
		return { invocations, cursor: rows.length > query.limit ? cursorOf(page[page.length - 1]!) : null };
	}
}
