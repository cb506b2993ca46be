/**
 * A batch of records as a script's store writes it (docs/telemetry.md, "How records are collected"),
 * built where the records are collected: the runtime processes' FerryTail locally, the telemetry
 * Worker's tail() in production. Locally the store runs in the control process, beside the edge
 * every request crosses, so what can be done per record is done before the records reach it: each
 * record's columns and JSON text, and the rollups' counts summed per minute and deployment. The store
 * then does one INSERT per chunk (SQLite reads the rows from the JSON text) and one merge per minute
 * row, and the records cross both RPC hops as strings, not object graphs.
 */
import { type Histogram, merge, record as recordDuration } from "./histogram";
import { monthOf, type ScriptUsage } from "./metrics";
import { searchText } from "./query";
import { type CollectedInvocation, type InvocationRecord, worstLevel } from "./record";

type Stored = Omit<InvocationRecord, "id">;

/** A record's row: the columns the store filters on, and the record itself (stored as its JSON text). */
export interface StoredRow {
	/** Start time, ms. */
	t: number;
	/** Deployment id. */
	d: string;
	/** worstLevel(). */
	l: number;
	s: number | null;
	/** isFailed(), 0 or 1. */
	f: number;
	/** searchText(). */
	x: string;
	r: Stored;
}

/** One minute of one deployment's invocations, as the rollups keep it. */
export interface Minute {
	requests: number;
	errors: number;
	/** Counts of 1xx … 5xx. */
	status: number[];
	wall: Histogram;
	cpu: Histogram;
}

export interface MinuteCounts {
	minute: number;
	deployment: string;
	value: Minute;
}

export interface RollupCounts {
	minutes: MinuteCounts[];
	months: (ScriptUsage & { month: string })[];
}

export interface ScriptRows {
	scriptId: string;
	/** JSON arrays of StoredRow, each at most MAX_CHUNK_CHARS long (or one row, whatever its size). */
	chunks: string[];
	count: number;
	counts: RollupCounts;
}

/** Well under SQLite's string limit (1 GB by default, 2 MB on Cloudflare's Durable Objects). */
export const MAX_CHUNK_CHARS = 1_000_000;
export const MINUTE_MS = 60_000;

/** Counted as an error: an exception, a limit, or a 5xx answer (a canceled request is not the tenant's error). */
export const isFailed = (record: Pick<Stored, "outcome" | "status">): boolean =>
	(record.outcome !== "ok" && record.outcome !== "canceled") || (record.status ?? 0) >= 500;

export const emptyMinute = (): Minute => ({ requests: 0, errors: 0, status: [0, 0, 0, 0, 0], wall: {}, cpu: {} });

export function addMinute(into: Minute, from: Minute): void {
	into.requests += from.requests;
	into.errors += from.errors;
	for (let i = 0; i < 5; i++) into.status[i]! += from.status[i] ?? 0;
	merge(into.wall, from.wall);
	merge(into.cpu, from.cpu);
}

/** The rollups' counts of some records: per minute and deployment, and per month. */
export function countRecords(records: readonly Stored[]): RollupCounts {
	const minutes = new Map<string, MinuteCounts>();
	const months = new Map<string, ScriptUsage & { month: string }>();
	for (const record of records) {
		const time = Date.parse(record.time);
		const minute = Math.floor(time / MINUTE_MS) * MINUTE_MS;
		const key = `${minute}|${record.deployment_id}`;
		const entry = minutes.get(key) ?? { minute, deployment: record.deployment_id, value: emptyMinute() };
		minutes.set(key, entry);
		entry.value.requests++;
		if (isFailed(record)) entry.value.errors++;
		if (record.status !== null && record.status >= 100 && record.status < 600) entry.value.status[Math.floor(record.status / 100) - 1]!++;
		if (record.wall_ms !== null) recordDuration(entry.value.wall, record.wall_ms);
		if (record.cpu_ms !== null) recordDuration(entry.value.cpu, record.cpu_ms);
		const month = monthOf(time);
		const usage = months.get(month) ?? { month, requests: 0, cpu_ms: 0, wall_ms: 0 };
		months.set(month, usage);
		usage.requests++;
		usage.cpu_ms += record.cpu_ms ?? 0;
		usage.wall_ms += record.wall_ms ?? 0;
	}
	return { minutes: [...minutes.values()], months: [...months.values()] };
}

const rowText = (record: Stored): string =>
	JSON.stringify({
		t: Date.parse(record.time),
		d: record.deployment_id,
		l: worstLevel(record),
		s: record.status,
		f: isFailed(record) ? 1 : 0,
		x: searchText(record),
		r: record,
	} satisfies StoredRow);

/** One script's records as its store takes them. */
export function scriptRows(scriptId: string, records: readonly Stored[]): ScriptRows {
	const chunks: string[] = [];
	let chunk: string[] = [];
	let chars = 0;
	for (const record of records) {
		const text = rowText(record);
		if (chunk.length > 0 && chars + text.length > MAX_CHUNK_CHARS) {
			chunks.push(`[${chunk.join(",")}]`);
			chunk = [];
			chars = 0;
		}
		chunk.push(text);
		chars += text.length + 1;
	}
	if (chunk.length > 0) chunks.push(`[${chunk.join(",")}]`);
	return { scriptId, chunks, count: records.length, counts: countRecords(records) };
}

/** A batch of several scripts' records, split by script. */
export function rowsByScript(batch: readonly CollectedInvocation[]): ScriptRows[] {
	const byScript = new Map<string, Stored[]>();
	for (const { source, record } of batch) {
		const records = byScript.get(source.scriptId) ?? [];
		byScript.set(source.scriptId, records);
		records.push(record);
	}
	return [...byScript].map(([scriptId, records]) => scriptRows(scriptId, records));
}
