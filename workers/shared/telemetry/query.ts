/**
 * The filters of a script's logs (and, later, its live tail), as the API parses them from a query
 * string and the telemetry store applies them. Parsing is here so every reader (API, store, tests)
 * means the same thing by `status=5xx` or `since=1h`.
 */
import type { InvocationRecord, LogLevel, Outcome } from "./record";
import { levelRank, worstLevel } from "./record";

/** `ok`/`error` (an exception, exceeded limits or a 5xx), a class (`2xx` … `5xx`) or one code. */
export type StatusFilter = "ok" | "error" | `${1 | 2 | 3 | 4 | 5}xx` | number;

export interface InvocationFilter {
	/** Started at or after (ms since the epoch). */
	since?: number;
	/** Started before. */
	until?: number;
	/** Has a line of this level or worse (an exception counts as `error`). */
	level?: LogLevel;
	status?: StatusFilter;
	deployment?: string;
	/** Case-insensitive substring of the path, a console line or the exception's message. */
	q?: string;
}

export interface LogsQuery extends InvocationFilter {
	/** Records older than this one (the previous page's `cursor`). */
	before?: Cursor;
	limit: number;
}

/** A live tail's filters: the logs' filters without the time range, and the share of records to send. */
export interface TailQuery extends Omit<InvocationFilter, "since" | "until"> {
	/** 0 < sampling ≤ 1: each matching record is sent with this probability. */
	sampling?: number;
	/** One of these outcomes (wrangler tail's `--status`, as Cloudflare's `outcome` filter). */
	outcome?: Outcome[];
	/** A fetch with one of these methods, upper case (wrangler tail's `--method`). */
	method?: string[];
}

export interface LogsPage {
	invocations: InvocationRecord[];
	/** Pass as `cursor` for the next (older) page; null when there is none. */
	cursor: string | null;
}

const DURATION = /^(\d+)(s|m|h|d)$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `1h`, `30m`, `7d` (that long before `now`) or an ISO 8601 time; undefined when it is neither. */
export function parseTime(value: string, now: number): number | undefined {
	const duration = DURATION.exec(value);
	if (duration) return now - Number(duration[1]) * UNIT_MS[duration[2] as keyof typeof UNIT_MS];
	if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
	const time = Date.parse(value);
	return Number.isNaN(time) ? undefined : time;
}

const STATUS = /^(ok|error|[1-5]xx|[1-5]\d\d)$/;

export function parseStatus(value: string): StatusFilter | undefined {
	if (!STATUS.test(value)) return undefined;
	return /^\d+$/.test(value) ? Number(value) : (value as StatusFilter);
}

/**
 * A record's place in its script's order, opaque to clients: its start time, then its store id
 * (arrival order), so pages are newest first by when invocations started, whatever order their
 * traces arrived in.
 */
export interface Cursor {
	time: number;
	id: number;
}

export const cursorOf = ({ time, id }: Cursor): string => `c${time.toString(36)}-${id.toString(36)}`;
export function parseCursor(value: string): Cursor | undefined {
	const match = /^c([0-9a-z]{1,12})-([0-9a-z]{1,12})$/.exec(value);
	if (!match) return undefined;
	const time = Number.parseInt(match[1]!, 36);
	const id = Number.parseInt(match[2]!, 36);
	return Number.isSafeInteger(time) && Number.isSafeInteger(id) && id > 0 ? { time, id } : undefined;
}

const isError = (record: Pick<InvocationRecord, "outcome" | "status">) =>
	(record.outcome !== "ok" && record.outcome !== "canceled") || (record.status !== null && record.status >= 500);

export function statusMatches(filter: StatusFilter, record: Pick<InvocationRecord, "outcome" | "status">): boolean {
	if (filter === "error") return isError(record);
	if (filter === "ok") return !isError(record);
	if (typeof filter === "number") return record.status === filter;
	return record.status !== null && Math.floor(record.status / 100) === Number(filter[0]);
}

/** The text `q` searches, lower-cased once when the record is stored. */
export const searchText = (record: Omit<InvocationRecord, "id">): string =>
	[record.path ?? "", ...record.logs.map((line) => line.message), record.exception?.message ?? ""].join("\n").toLowerCase();

/** Whether a record passes the filter (the live tail's check; the store's SQL says the same). */
export function matches(filter: InvocationFilter, record: Omit<InvocationRecord, "id">): boolean {
	const time = Date.parse(record.time);
	if (filter.since !== undefined && time < filter.since) return false;
	if (filter.until !== undefined && time >= filter.until) return false;
	if (filter.level !== undefined && worstLevel(record) < levelRank(filter.level)) return false;
	if (filter.status !== undefined && !statusMatches(filter.status, record)) return false;
	if (filter.deployment !== undefined && record.deployment_id !== filter.deployment) return false;
	if (filter.q !== undefined && !searchText(record).includes(filter.q.toLowerCase())) return false;
	return true;
}

/** Whether a record passes a live tail's filters (the store's check before sampling and rate). */
export function tailMatches(query: TailQuery, record: Omit<InvocationRecord, "id">): boolean {
	if (query.outcome !== undefined && !query.outcome.includes(record.outcome)) return false;
	if (query.method !== undefined && (record.method === null || !query.method.includes(record.method.toUpperCase()))) return false;
	return matches(query, record);
}
