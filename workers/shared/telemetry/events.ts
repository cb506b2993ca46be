/**
 * A tenant's events: what happened to its scripts (deploys, rollbacks, deletes, secrets, cron triggers set), kept per
 * tenant by the telemetry Worker (workers/telemetry/src/events.ts) and read through `GET /v1/events`
 * (docs/api.md, "Events"). Recorded by the API (workers/api/src/events.ts `recordEvent`).
 */
export const EVENT_TYPES = [
	"deploy",
	"deploy_failed",
	"rollback",
	"delete",
	"secret_put",
	"secret_delete",
	"schedules_put",
	"budget_exceeded",
	"budget_lifted",
] as const;
export type TenantEventType = (typeof EVENT_TYPES)[number];

export interface TenantEvent {
	/** The event's place in the tenant's list (a cursor; newer events sort first). */
	id: string;
	time: string;
	type: TenantEventType;
	/** The script it concerns; empty for an event of the whole tenant (a budget's). */
	script: string;
	/** The deployment it concerns (deployed, failed, rolled back to); null for a delete or a secret. */
	deployment_id: string | null;
	/** What else there is to say, by type: the previous live deployment, an error, a secret's name (never its value). */
	detail: Record<string, string | null>;
}

/** What the API records: an event without its id and time. */
export type NewTenantEvent = Omit<TenantEvent, "id" | "time">;

export interface EventsQuery {
	type?: TenantEventType;
	script?: string;
	since?: number;
	/** Events older than this one (the previous page's cursor: an id). */
	before?: number;
	limit: number;
}

export interface EventsPage {
	events: TenantEvent[];
	cursor: string | null;
}

/** A live events stream's filters. */
export interface EventsTailQuery {
	type?: TenantEventType;
	script?: string;
}

export const eventCursorOf = (id: number): string => `e${id.toString(36)}`;
export function parseEventCursor(value: string): number | undefined {
	if (!/^e[0-9a-z]{1,12}$/.test(value)) return undefined;
	const id = Number.parseInt(value.slice(1), 36);
	return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

export const eventMatches = (query: EventsTailQuery, event: TenantEvent): boolean =>
	(query.type === undefined || event.type === query.type) && (query.script === undefined || event.script === query.script);
