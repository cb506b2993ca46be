/**
 * A tenant Worker's D1 binding (`env.DB`) when the runtime is Worker Loader: a loopback entrypoint
 * of the dispatcher whose props name the tenant and the database, handed to the tenant's isolate in
 * its env as FerryKV is (./kv.ts). The D1 client API (prepare, bind, first, all, raw, run, batch,
 * exec) with D1's result shapes and messages (workers/shared/resources/d1.ts); the data lives in
 * the resources Worker (workers/resources/src/database.ts), reached through RESOURCES.
 *
 * An ES module Worker never sees this stub's statements: its isolate's D1 module
 * (workers/shared/runtime/d1-module.ts) makes statements local objects, as workerd's binding does,
 * and calls `runFirst`/`runAll`/`runRaw`/`runBatch` with a statement's text and values. A CommonJS
 * Worker (no platform module) gets `prepare()` here: a statement stub, which works for
 * `prepare(sql).bind(x).first()` (one pipelined round trip) but which `batch()` takes only awaited.
 */
import { RpcTarget, WorkerEntrypoint } from "cloudflare:workers";
import { log } from "../../../workers/shared/log";
import type { ResourcesApi } from "../../../workers/shared/resources/api";
import {
	checkBatch,
	checkQuery,
	D1Error,
	type D1Query,
	type D1StatementResult,
	type D1Value,
	d1Result,
	d1Value,
	rowsAsObjects,
} from "../../../workers/shared/resources/d1";
import type { ResourceRef } from "../../../workers/shared/resources/index";

export interface D1BindingProps {
	tenantId: string;
	name: string;
}

/** One database as a statement reaches it: the store's answer as D1's, or D1's error. */
class Database {
	constructor(
		private readonly store: ResourcesApi | undefined,
		private readonly ref: ResourceRef,
	) {}

	async run(queries: D1Query[]): Promise<D1StatementResult[]> {
		if (!this.store) throw new D1Error("D1_ERROR", "D1 is not available: the platform has no resources Worker");
		let answer: Awaited<ReturnType<ResourcesApi["d1Query"]>>;
		try {
			answer = await this.store.d1Query(this.ref, queries);
		} catch (error) {
			// The platform's failure, not the tenant's SQL: logged here, never shown to the tenant.
			log.error("d1 query failed in the resources Worker", { error, tenantId: this.ref.tenantId, database: this.ref.name });
			throw new D1Error("D1_ERROR", "the database is unavailable, try again");
		}
		if (!answer.ok) throw new D1Error("D1_ERROR", answer.error);
		return answer.results;
	}
}

/** A prepared statement: its text and bound values, and the calls that run it (D1PreparedStatement). */
export class D1Statement extends RpcTarget {
	readonly #database: Database;
	readonly #sql: string;
	readonly #params: unknown[];

	constructor(database: Database, sql: string, params: unknown[]) {
		super();
		this.#database = database;
		this.#sql = sql;
		this.#params = params;
	}

	/** The SQL text, as workerd's statement shows it. */
	get statement(): string {
		return this.#sql;
	}

	/** The bound values in D1's wire form (a BLOB as its bytes), or D1's TYPE_ERROR. */
	get params(): D1Value[] {
		return this.#params.map(d1Value);
	}

	bind(...values: unknown[]): D1Statement {
		return new D1Statement(this.#database, this.#sql, values);
	}

	private async one(): Promise<D1StatementResult> {
		const [result] = await this.#database.run([checkQuery({ sql: this.#sql, params: this.params })]);
		if (!result) throw new D1Error("D1_ERROR", "No SQL statements detected.");
		return result;
	}

	async first(column?: string): Promise<unknown> {
		const [row] = rowsAsObjects(await this.one());
		if (!row) return null;
		if (column === undefined) return row;
		if (row[column] === undefined) throw new D1Error("D1_COLUMN_NOTFOUND", `Column not found (${column})`);
		return row[column];
	}

	async all(): Promise<unknown> {
		return d1Result(await this.one());
	}

	async run(): Promise<unknown> {
		return d1Result(await this.one());
	}

	async raw(options?: { columnNames?: boolean }): Promise<unknown[][]> {
		const result = await this.one();
		return options?.columnNames ? [result.columns, ...result.rows] : result.rows;
	}
}

/** What a batch is handed: statement stubs (or the pipelined promises of them) this entrypoint made. */
interface StatementStub {
	statement: string | Promise<string>;
	params: D1Value[] | Promise<D1Value[]>;
}

export class FerryD1 extends WorkerEntrypoint<DispatchEnv, D1BindingProps> {
	private get database(): Database {
		const ref: ResourceRef = { tenantId: this.ctx.props.tenantId, type: "d1", name: this.ctx.props.name };
		return new Database(this.env.RESOURCES as unknown as ResourcesApi | undefined, ref);
	}

	/** One statement's first row (or its column), from the isolate's D1 module. */
	runFirst(sql: string, params: unknown[], column?: string): Promise<unknown> {
		return this.statement(sql, params).first(column);
	}

	/** One statement's D1 result (`all()` and `run()`). */
	runAll(sql: string, params: unknown[]): Promise<unknown> {
		return this.statement(sql, params).all();
	}

	runRaw(sql: string, params: unknown[], columnNames: boolean): Promise<unknown[][]> {
		return this.statement(sql, params).raw({ columnNames });
	}

	/** A batch of `{sql, params}` from the isolate's D1 module, in one transaction. */
	async runBatch(queries: { sql: string; params: unknown[] }[]): Promise<unknown[]> {
		if (!Array.isArray(queries)) throw new TypeError("D1 batch() takes an array of prepared statements");
		return this.batch(queries.map((q) => this.statement(String(q?.sql), Array.isArray(q?.params) ? q.params : [])));
	}

	private statement(sql: string, params: unknown[]): D1Statement {
		return new D1Statement(this.database, String(sql), Array.isArray(params) ? params : []);
	}

	prepare(sql: string): D1Statement {
		return new D1Statement(this.database, String(sql), []);
	}

	/** The statements in order in one transaction: every result, or D1's error of the one that failed and nothing kept. */
	async batch(statements: StatementStub[]): Promise<unknown[]> {
		if (!Array.isArray(statements)) throw new TypeError("D1 batch() takes an array of prepared statements");
		const queries = await Promise.all(
			statements.map(async (statement) => ({ sql: String(await statement.statement), params: await statement.params })),
		);
		if (queries.length === 0) throw new D1Error("D1_ERROR", "No SQL statements detected.");
		return (await this.database.run(checkBatch(queries))).map(d1Result);
	}

	/** D1's exec: one statement a line, all in one transaction, counted; a failure names the first line, as D1 does locally. */
	async exec(sql: string): Promise<{ count: number; duration: number }> {
		const lines = String(sql).trim().split("\n");
		try {
			const results = await this.database.run(checkBatch(lines.map((line) => ({ sql: line, params: [] }))));
			return { count: results.length, duration: results.reduce((sum, r) => sum + r.meta.duration, 0) };
		} catch (error) {
			if (!(error instanceof D1Error) || !(error.cause instanceof Error)) throw error;
			throw new D1Error("D1_EXEC_ERROR", `Error in line 1: ${lines[0]}: ${error.cause.message}`);
		}
	}

	/** Refused by name (docs/compatibility.md): read replication's sessions are Cloudflare's. */
	withSession(): never {
		throw new Error("D1 withSession() is not supported on Ferry: a database has one copy, so every query reads its latest writes");
	}

	/** Refused by name (docs/compatibility.md): D1 deprecated dump(). */
	dump(): never {
		throw new Error("D1 dump() is not supported on Ferry (deprecated by D1): export with SELECT statements");
	}
}
