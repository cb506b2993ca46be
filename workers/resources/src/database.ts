/**
 * One tenant D1 database: a SQLite Durable Object of its own per database (named by resourceKey:
 * tenant id, type, name), whose SQLite is the tenant's database and nothing else: the tenant's SQL
 * sees only its own tables. The way Miniflare's D1 store works (miniflare's d1 plugin,
 * D1DatabaseObject), on `ctx.storage.sql`: a query or a batch runs in one transaction
 * (transactionSync), so a failing statement keeps nothing of its batch, and answers each
 * statement's columns, rows and D1's meta. SQLite's own message is the answer of a failure; any
 * other failure is the platform's and is thrown (the binding shows the tenant no detail of it).
 */
import { DurableObject } from "cloudflare:workers";
import { D1_LIMITS, type D1Answer, type D1Meta, type D1Query, type D1StatementResult, type D1Value } from "../../shared/resources/d1";

const SERVED_BY = "ferry.d1";

/** Thrown inside the transaction to roll it back with SQLite's message. */
class StatementFailed extends Error {}

/** A bound value as SQLite takes it: a BLOB travels as its bytes. */
const sqlValue = (value: D1Value): SqlStorageValue => (Array.isArray(value) ? new Uint8Array(value).buffer : value);

/** A cell as D1 answers it: a BLOB as an array of its bytes. */
const d1Cell = (value: SqlStorageValue): D1Value => (value instanceof ArrayBuffer ? Array.from(new Uint8Array(value)) : value);

/** Comments-only or blank SQL is no statement (Miniflare's test). */
const isBlank = (sql: string) => sql.replace(/^\s*--.*/gm, "").trim().length === 0;

export class TenantDatabase extends DurableObject<ResourcesEnv> {
	private readonly sql: SqlStorage;

	constructor(ctx: DurableObjectState, env: ResourcesEnv) {
		super(ctx, env);
		this.sql = ctx.storage.sql;
	}

	private changes(): { total: number; lastRowId: number } {
		const [row] = this.sql
			.exec<{ total: number; lastRowId: number }>("SELECT total_changes() AS total, last_insert_rowid() AS lastRowId")
			.toArray();
		return row ?? { total: 0, lastRowId: 0 };
	}

	private run(query: D1Query, budget: { bytes: number }): D1StatementResult {
		const sizeBefore = this.sql.databaseSize;
		const before = this.changes();
		const began = performance.now();
		let cursor: SqlStorageCursor<Record<string, SqlStorageValue>>;
		let rows: D1Value[][];
		try {
			cursor = this.sql.exec(query.sql, ...query.params.map(sqlValue));
			rows = [];
			for (const row of cursor.raw()) {
				const cells = row.map(d1Cell);
				budget.bytes -= JSON.stringify(cells).length;
				if (budget.bytes < 0)
					throw new Error(
						`the result is larger than D1's ${D1_LIMITS.resultBytes / 1024 / 1024} MiB a query may answer: select fewer rows`,
					);
				rows.push(cells);
			}
		} catch (error) {
			throw new StatementFailed(error instanceof Error ? error.message : String(error));
		}
		const duration = performance.now() - began;
		const after = this.changes();
		const sizeAfter = this.sql.databaseSize;
		const changes = after.total - before.total;
		const meta: D1Meta = {
			served_by: SERVED_BY,
			served_by_primary: true,
			total_attempts: 1,
			timings: { sql_duration_ms: duration },
			duration,
			changes,
			last_row_id: after.lastRowId,
			changed_db: changes !== 0 || after.lastRowId !== before.lastRowId || sizeAfter !== sizeBefore,
			size_after: sizeAfter,
			rows_read: cursor.rowsRead,
			rows_written: cursor.rowsWritten,
		};
		return { columns: cursor.columnNames, rows, meta };
	}

	/** The statements in order, in one transaction: all kept, or none and the failing one's message. */
	async query(queries: D1Query[]): Promise<D1Answer> {
		const statements = queries.filter((query) => !isBlank(query.sql));
		if (statements.length === 0) return { ok: false, error: "No SQL statements detected." };
		const budget = { bytes: D1_LIMITS.resultBytes };
		try {
			return { ok: true, results: this.ctx.storage.transactionSync(() => statements.map((query) => this.run(query, budget))) };
		} catch (error) {
			if (error instanceof StatementFailed) return { ok: false, error: error.message };
			throw error;
		}
	}

	/** The database's size (GET /v1/resources), as SQLite counts it; a database has no key count. */
	async usage(): Promise<{ keys: number | null; bytes: number }> {
		return { keys: null, bytes: this.sql.databaseSize };
	}

	/** Deletes the database and everything in it (`ferry d1 delete`). */
	async destroy(): Promise<void> {
		await this.ctx.storage.deleteAll();
	}
}
