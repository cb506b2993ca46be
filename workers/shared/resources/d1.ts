/**
 * D1 as Ferry provides it: what a query carries to a database's store (workers/resources/, one
 * SQLite Durable Object per database), what the store answers, D1's limits and D1's messages. The
 * tenant-facing binding (dispatch/src/resources/d1.ts) and the API's query endpoint share these.
 *
 * The result shapes and messages are those of workerd's D1 binding (`cloudflare-internal:d1-api`)
 * over Miniflare's D1 store, observed with the Miniflare in node_modules: `{results, success, meta}`,
 * `D1_ERROR: <SQLite's message>`, `D1_TYPE_ERROR`, `D1_COLUMN_NOTFOUND`, `D1_EXEC_ERROR`.
 */

/** D1's documented limits (https://developers.cloudflare.com/d1/platform/limits/), enforced before the store is reached. */
export const D1_LIMITS = {
	/** Maximum SQL statement length. */
	statementBytes: 100_000,
	/** Maximum bound parameters per query. */
	boundParameters: 100,
	/** Maximum string, BLOB or table row size (SQLite in the store refuses a larger value itself). */
	valueBytes: 2_000_000,
	/** Statements in one batch: D1's queries per Worker invocation (paid plan). */
	batchStatements: 1_000,
	/** Ferry's: the rows one query answers with, as JSON; past it the query fails rather than exhaust memory. */
	resultBytes: 16 * 1024 * 1024,
} as const;

/** A bound value as it travels: a number, a string, null or a BLOB as its bytes (D1's wire form). */
export type D1Value = number | string | null | number[];

export interface D1Query {
	sql: string;
	params: D1Value[];
}

/** The meta D1 answers each statement with (Miniflare's fields; `served_by` names Ferry's store). */
export interface D1Meta {
	served_by: string;
	served_by_primary: boolean;
	total_attempts: number;
	timings: { sql_duration_ms: number };
	duration: number;
	changes: number;
	last_row_id: number;
	changed_db: boolean;
	size_after: number;
	rows_read: number;
	rows_written: number;
}

/** One statement's answer from the store: its columns and rows (ROWS_AND_COLUMNS) and meta. */
export interface D1StatementResult {
	columns: string[];
	rows: D1Value[][];
	meta: D1Meta;
}

/**
 * The store's answer: every statement's result, or the one message (SQLite's, never the platform's)
 * of the statement that failed, when nothing was kept: a query or a batch is one transaction.
 */
export type D1Answer = { ok: true; results: D1StatementResult[] } | { ok: false; error: string };

/** A D1 failure as the tenant's code sees it: D1's prefix, and the bare message as its cause. */
export class D1Error extends Error {
	constructor(prefix: "D1_ERROR" | "D1_TYPE_ERROR" | "D1_COLUMN_NOTFOUND" | "D1_EXEC_ERROR", detail: string) {
		super(`${prefix}: ${detail}`, { cause: new Error(detail) });
	}
}

const encoder = new TextEncoder();

/** A value bound to a statement as D1's `bind` takes it (booleans as 0/1, bytes as an array), or D1's TYPE_ERROR. */
export function d1Value(value: unknown): D1Value {
	if (typeof value === "number" || typeof value === "string" || value === null) return value;
	if (typeof value === "boolean") return value ? 1 : 0;
	if (value instanceof ArrayBuffer) return Array.from(new Uint8Array(value));
	if (ArrayBuffer.isView(value)) return Array.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
	if (Array.isArray(value) && value.every((b) => typeof b === "number" && Number.isInteger(b) && b >= 0 && b < 256)) return value;
	throw new D1Error("D1_TYPE_ERROR", `Type '${typeof value}' not supported for value '${String(value)}'`);
}

/** A statement checked against D1's limits before it is sent, with SQLite's words for the same refusals. */
export function checkQuery(query: D1Query): D1Query {
	if (encoder.encode(query.sql).byteLength > D1_LIMITS.statementBytes) throw new D1Error("D1_ERROR", "statement too long: SQLITE_TOOBIG");
	if (query.params.length > D1_LIMITS.boundParameters) throw new D1Error("D1_ERROR", "too many SQL variables: SQLITE_ERROR");
	return query;
}

export function checkBatch(queries: D1Query[]): D1Query[] {
	if (queries.length > D1_LIMITS.batchStatements)
		throw new D1Error("D1_ERROR", `a batch holds at most ${D1_LIMITS.batchStatements} statements; this one has ${queries.length}`);
	return queries.map(checkQuery);
}

/** A statement's rows as objects by column name (D1's ARRAY_OF_OBJECTS): a later column of one name wins, as in D1. */
export const rowsAsObjects = (result: Pick<D1StatementResult, "columns" | "rows">): Record<string, D1Value>[] =>
	result.rows.map((row) => Object.fromEntries(result.columns.map((column, i) => [column, row[i] ?? null])));

/** D1's `{success, meta, results}` of one statement. */
export const d1Result = (result: D1StatementResult) => ({ success: true as const, meta: result.meta, results: rowsAsObjects(result) });
