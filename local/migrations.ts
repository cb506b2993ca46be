/**
 * D1 migrations for the local platform. Applying them means spawning wrangler, which takes seconds;
 * a stamp beside the local database records a hash of the migration files it last applied, so a start
 * with the same files skips the spawn, and a new or edited migration file makes it run again. The
 * stamp lives in the D1 directory: deleting the database deletes the stamp with it.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { ROOT } from "./paths.ts";

export const MIGRATIONS_DIR = path.join(ROOT, "d1-migrations");

/** Where the stamp goes: wrangler's --persist-to layout keeps local D1 under v3/d1. */
export const migrationStampPath = (stateDir: string) => path.join(stateDir, "v3", "d1", "ferry-migrations.sha256");

/** A hash of the migration files' names and contents (wrangler applies only `*.sql`, in name order). */
export function migrationsHash(dir: string = MIGRATIONS_DIR): string {
	const hash = createHash("sha256");
	for (const name of readdirSync(dir).filter((file) => file.endsWith(".sql")).sort()) {
		hash.update(`${name}\0`).update(readFileSync(path.join(dir, name))).update("\0");
	}
	return hash.digest("hex");
}

/** `wrangler d1 migrations apply --local` against the platform's state directory. */
export async function applyMigrations(stateDir: string): Promise<void> {
	const wrangler = path.join(ROOT, "node_modules", ".bin", "wrangler");
	await promisify(execFile)(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir], {
		cwd: ROOT,
		env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
	});
}

export interface MigrateOptions {
	/** The migration files (default: the repository's d1-migrations/). */
	dir?: string;
	/** What applies them (default: wrangler, above). */
	apply?: (stateDir: string) => Promise<void>;
}

/** Applies the migrations unless the stamp says these very files were applied; returns whether it ran. */
export async function migrateIfChanged(stateDir: string, options: MigrateOptions = {}): Promise<boolean> {
	const { dir = MIGRATIONS_DIR, apply = applyMigrations } = options;
	const stamp = migrationStampPath(stateDir);
	const wanted = migrationsHash(dir);
	if (readStamp(stamp) === wanted) return false;
	await apply(stateDir);
	mkdirSync(path.dirname(stamp), { recursive: true });
	writeFileSync(stamp, `${wanted}\n`);
	return true;
}

function readStamp(file: string): string | undefined {
	try {
		return readFileSync(file, "utf8").trim();
	} catch {
		return undefined;
	}
}
