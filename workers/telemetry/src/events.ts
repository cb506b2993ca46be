/**
 * One tenant's events (workers/shared/telemetry/events.ts): a Durable Object per tenant id, with
 * SQLite storage, the list and the live stream in one place (the same fan-out as a script's live
 * tail, ./live.ts). Events are a few per deploy: D1 could hold them, but the live stream needs one
 * object that sees every event of the tenant, and this one is it.
 *
 * Retention: the last RETAINED_EVENTS events, none older than EVENT_RETENTION_MS.
 */
import { DurableObject } from "cloudflare:workers";
import {
	type EventsPage,
	type EventsQuery,
	type EventsTailQuery,
	eventCursorOf,
	eventMatches,
	type NewTenantEvent,
	type TenantEvent,
} from "../../shared/telemetry/events";
import { iso } from "../../shared/time";
import { LiveTails } from "./live";

export const RETAINED_EVENTS = 1_000;
export const EVENT_RETENTION_MS = 90 * 86_400_000;

interface Row extends Record<string, SqlStorageValue> {
	id: number;
	time: number;
	type: string;
	script: string;
	deployment: string | null;
	detail: string;
}

const eventOf = (row: Row): TenantEvent => ({
	id: eventCursorOf(row.id),
	time: iso(row.time),
	type: row.type as TenantEvent["type"],
	script: row.script,
	deployment_id: row.deployment,
	detail: JSON.parse(row.detail) as TenantEvent["detail"],
});

export class TenantEvents extends DurableObject<TelemetryEnv> {
	private readonly sql: SqlStorage;
	private readonly live = new LiveTails<TenantEvent, EventsTailQuery>({ event: "event", matches: eventMatches });

	constructor(ctx: DurableObjectState, env: TelemetryEnv) {
		super(ctx, env);
		this.sql = ctx.storage.sql;
		this.sql.exec(`CREATE TABLE IF NOT EXISTS events (
			id INTEGER PRIMARY KEY AUTOINCREMENT,
			time INTEGER NOT NULL,
			type TEXT NOT NULL,
			script TEXT NOT NULL,
			deployment TEXT,
			detail TEXT NOT NULL
		)`);
	}

	record(event: NewTenantEvent): TenantEvent {
		const row = this.sql
			.exec<Row>(
				"INSERT INTO events (time, type, script, deployment, detail) VALUES (?, ?, ?, ?, ?) RETURNING *",
				Date.now(),
				event.type,
				event.script,
				event.deployment_id,
				JSON.stringify(event.detail),
			)
			.one();
		this.sql.exec("DELETE FROM events WHERE id <= ? OR time < ?", row.id - RETAINED_EVENTS, Date.now() - EVENT_RETENTION_MS);
		const stored = eventOf(row);
		this.live.publish([stored]);
		return stored;
	}

	list(query: EventsQuery): EventsPage {
		const where: string[] = [];
		const params: SqlStorageValue[] = [];
		const add = (clause: string, value: SqlStorageValue) => {
			where.push(clause);
			params.push(value);
		};
		if (query.before !== undefined) add("id < ?", query.before);
		if (query.since !== undefined) add("time >= ?", query.since);
		if (query.type !== undefined) add("type = ?", query.type);
		if (query.script !== undefined) add("script = ?", query.script);
		const rows = this.sql
			.exec<Row>(
				`SELECT * FROM events ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`,
				...params,
				query.limit + 1,
			)
			.toArray();
		const page = rows.slice(0, query.limit);
		return { events: page.map(eventOf), cursor: rows.length > query.limit ? eventCursorOf(page[page.length - 1]!.id) : null };
	}

	liveEvents(query: EventsTailQuery): ReadableStream<Uint8Array> | null {
		return this.live.subscribe(query);
	}
}
