import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Database = ReturnType<typeof openDatabase>;

export function openDatabase(d1: D1Database) {
	return drizzle(d1, { schema });
}

interface CompiledQuery {
	sql: string;
	params: unknown[];
}
/** A drizzle query builder (`toSQL`) or a `db.run(sql\`…\`)` statement (`getQuery`). */
export type BatchItem = { toSQL(): CompiledQuery } | { getQuery(): CompiledQuery };

/**
 * Runs statements as one D1 batch (one transaction) and returns D1's results, whose `meta.changes`
 * says what each statement did. drizzle's own `batch` cannot bind parameters of raw `sql` statements
 * (drizzle-orm 0.45), which the conditional transitions need.
 */
export function runBatch(db: Database, items: readonly BatchItem[]): Promise<D1Result[]> {
	const d1 = db.$client;
	return d1.batch(
		items.map((item) => {
			const query = "getQuery" in item ? item.getQuery() : item.toSQL();
			return d1.prepare(query.sql).bind(...query.params);
		}),
	);
}
