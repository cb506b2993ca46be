/**
 * `ferry d1 migrations list|apply DB`, as wrangler's `d1 migrations` (src/d1/migrations/ of the
 * pinned wrangler): the migrations are the `.sql` files of the database's `migrations_dir`
 * (default `migrations/`, beside the config), in order of their leading number (`0001_init.sql`),
 * then of their name; the applied ones are the rows of its `migrations_table` (default
 * `d1_migrations`, created as wrangler creates it). Each migration is one query: its SQL and the
 * row that records it, so one that fails keeps nothing, and those before it stay applied.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { FerryApi } from "../../../workers/shared/api-client/index.ts";
import { UserError } from "../core/errors.ts";
import type { ProjectConfig } from "./config.ts";
import { d1DatabaseFor } from "./resources.ts";

export interface MigrationsPlan {
	/** The database's name in the tenant's space. */
	database: string;
	dir: string;
	table: string;
	/** The migrations not applied yet, in order. */
	pending: string[];
}

interface D1MigrationsEntry {
	binding: string;
	database_name?: string;
	migrations_dir?: string;
	migrations_table?: string;
	migrations_pattern?: string;
}

const quoted = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/** The leading number of a file name (wrangler's `leadingMigrationNumber`), NaN when it has none. */
const leadingNumber = (name: string) => Number.parseInt(name.split("_")[0] ?? "", 10);

function byMigrationOrder(a: string, b: string): number {
	const [x, y] = [leadingNumber(a), leadingNumber(b)];
	if (x !== y && !(Number.isNaN(x) && Number.isNaN(y))) {
		if (Number.isNaN(x)) return 1;
		if (Number.isNaN(y)) return -1;
		return x - y;
	}
	return a < b ? -1 : a > b ? 1 : 0;
}

/** What the project's config says of the database's migrations, and which of them the database has not applied. */
export async function migrationsPlan(api: FerryApi, config: ProjectConfig, configFile: string, database: string): Promise<MigrationsPlan> {
	const entries = Array.isArray(config.configured.d1_databases) ? (config.configured.d1_databases as D1MigrationsEntry[]) : [];
	const entry = entries.find((e) => e.binding === database || e.database_name === database);
	if (entry?.migrations_pattern !== undefined)
		throw new UserError("migrations_pattern is not supported by ferry d1 migrations: keep the migrations as migrations_dir/*.sql");
	const dir = path.resolve(path.dirname(configFile), entry?.migrations_dir ?? "migrations");
	if (!existsSync(dir)) throw new UserError(`No migrations present at ${dir}.`);
	const table = entry?.migrations_table ?? "d1_migrations";
	const name = d1DatabaseFor(config, database);
	await api.d1Query(
		name,
		`CREATE TABLE IF NOT EXISTS ${quoted(table)}(
		id         INTEGER PRIMARY KEY AUTOINCREMENT,
		name       TEXT UNIQUE,
		applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
);`,
	);
	const { results } = await api.d1Query(name, `SELECT name FROM ${quoted(table)} ORDER BY id`);
	const applied = new Set((results[0]?.results ?? []).map((row) => String(row.name)));
	const files = readdirSync(dir, { withFileTypes: true })
		.filter((file) => file.isFile() && file.name.endsWith(".sql") && !file.name.startsWith("."))
		.map((file) => file.name)
		.sort(byMigrationOrder);
	return { database: name, dir, table, pending: files.filter((file) => !applied.has(file)) };
}

/** One migration's query: its SQL, then the row that records it (wrangler's `buildMigrationQuery`). */
export function migrationQuery(plan: MigrationsPlan, migration: string): string {
	let sql: string;
	try {
		sql = readFileSync(path.join(plan.dir, migration), "utf8");
	} catch {
		throw new UserError(`cannot read ${path.join(plan.dir, migration)}`);
	}
	return `${sql}\nINSERT INTO ${quoted(plan.table)} (name)\nvalues ('${migration.replace(/'/g, "''")}');`;
}
