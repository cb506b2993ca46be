/**
 * D1 migrations for the local platform. Applying them means spawning wrangler, which takes seconds;
 * a stamp beside the local database records what it last applied to, so a start with the same inputs
 * skips the spawn. The stamp holds a hash of the migration files and of the wrangler config that
 * names the database (a new or edited migration, or another database_id, runs them again), and the
 * database files that existed once they were applied (deleting the database, or just its file, runs
 * them again: an empty database must never pass for a migrated one).
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { ROOT } from "./paths.ts";

const MIGRATIONS_DIR = path.join(ROOT, "d1-migrations");

/** The config `wrangler d1 migrations apply DB` reads the database from (its default, at the root). */
const MIGRATIONS_CONFIG = path.join(ROOT, "wrangler.toml");

/** wrangler's --persist-to layout keeps local D1 under v3/d1, one SQLite file per database. */
const d1Dir = (stateDir: string) => path.join(stateDir, "v3", "d1");
const databasesDir = (stateDir: string) => path.join(d1Dir(stateDir), "miniflare-D1DatabaseObject");

/** Where the stamp goes: in the D1 directory, so deleting all of local D1 deletes it too. */
export const migrationStampPath = (stateDir: string) => path.join(d1Dir(stateDir), "ferry-migrations.json");

interface Stamp {
	hash: string;
	/** The database files (relative to the state directory) present once the migrations were applied. */
	databases: string[];
}

/**
 * A hash of the migration files' names and contents (wrangler applies only `*.sql`, in name order)
 * and of the config naming the database.
 */
function migrationsHash(dir: string = MIGRATIONS_DIR, config: string | undefined = MIGRATIONS_CONFIG): string {
	const hash = createHash("sha256");
	for (const name of readdirSync(dir)
		.filter((file) => file.endsWith(".sql"))
		.sort()) {
		hash
			.update(`${name}\0`)
			.update(readFileSync(path.join(dir, name)))
			.update("\0");
	}
	if (config) hash.update("config\0").update(readFileSync(config));
	return hash.digest("hex");
}

function databaseFiles(stateDir: string): string[] {
	const dir = databasesDir(stateDir);
	if (!existsSync(dir)) return [];
	return readdirSync(dir)
		.filter((file) => file.endsWith(".sqlite") && file !== "metadata.sqlite")
		.map((file) => path.relative(stateDir, path.join(dir, file)));
}

/** `wrangler d1 migrations apply --local` against the platform's state directory. */
async function applyMigrations(stateDir: string): Promise<void> {
	const wrangler = path.join(ROOT, "node_modules", ".bin", "wrangler");
	await promisify(execFile)(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir], {
		cwd: ROOT,
		env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
	});
}

export interface MigrateOptions {
	/** The migration files (default: the repository's d1-migrations/). */
	dir?: string;
	/** The wrangler config naming the database (default: the repository's; undefined: none). */
	config?: string | undefined;
	/** What applies them (default: wrangler, above). */
	apply?: (stateDir: string) => Promise<void>;
}

/** Applies the migrations unless the stamp says these very files were applied; returns whether it ran. */
export async function migrateIfChanged(stateDir: string, options: MigrateOptions = {}): Promise<boolean> {
	const { dir = MIGRATIONS_DIR, apply = applyMigrations } = options;
	const config = "config" in options ? options.config : MIGRATIONS_CONFIG;
	const file = migrationStampPath(stateDir);
	const wanted = migrationsHash(dir, config);
	const stamp = readStamp(file);
	if (stamp?.hash === wanted && stamp.databases.every((database) => existsSync(path.join(stateDir, database)))) return false;
	await apply(stateDir);
	mkdirSync(path.dirname(file), { recursive: true });
	writeFileSync(file, `${JSON.stringify({ hash: wanted, databases: databaseFiles(stateDir) } satisfies Stamp)}\n`);
	return true;
}

function readStamp(file: string): Stamp | undefined {
	try {
		const stamp = JSON.parse(readFileSync(file, "utf8")) as Partial<Stamp>;
		return typeof stamp.hash === "string" && Array.isArray(stamp.databases) ? (stamp as Stamp) : undefined;
	} catch {
		return undefined; // none yet, or from an older Ferry: apply, and write a new one
	}
}
