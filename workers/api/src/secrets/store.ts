/**
 * The `secrets` table: a script's secrets as they are now, sealed (workers/shared/secrets/crypto.ts).
 * Every write is one D1 batch with a bump of `scripts.secrets_version`, conditional on the script
 * still existing; the pipeline reads the set and its version together (one batch, one transaction),
 * so a deployment knows exactly which set it was loaded with (docs/secrets.md).
 */
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { type Database, runBatch } from "../../../shared/db";
import { scripts, secrets } from "../../../shared/db/schema";

export interface SecretsSnapshot {
	version: number;
	/** name → sealed value. */
	sealed: Record<string, string>;
}

/** The script's secrets now and the version they are at, read in one transaction. */
export async function secretsSnapshot(db: Database, scriptId: string): Promise<SecretsSnapshot> {
	const [script, rows] = await db.batch([
		db.select({ version: scripts.secretsVersion }).from(scripts).where(eq(scripts.id, scriptId)),
		db.select({ name: secrets.name, ciphertext: secrets.ciphertext }).from(secrets).where(eq(secrets.scriptId, scriptId)),
	]);
	return { version: script[0]?.version ?? 0, sealed: Object.fromEntries(rows.map((row) => [row.name, row.ciphertext])) };
}

/** Names and times only: what a listing may show. */
export function secretNames(db: Database, scriptId: string) {
	return db
		.select({ name: secrets.name, updatedAt: secrets.updatedAt })
		.from(secrets)
		.where(eq(secrets.scriptId, scriptId))
		.orderBy(asc(secrets.name));
}

export interface SecretsChange {
	/** name → sealed value, set (created or replaced). */
	put: Record<string, string>;
	delete: string[];
}

/**
 * Applies the change in one batch with the version bump. Returns the names of `delete` that existed
 * (each one deleted), or undefined when the script is gone (nothing was written).
 */
export async function writeSecrets(db: Database, scriptId: string, change: SecretsChange, now = Date.now()): Promise<string[] | undefined> {
	const live = sql`EXISTS (SELECT 1 FROM ${scripts} WHERE id = ${scriptId} AND deleted_at IS NULL)`;
	const results = await runBatch(db, [
		db
			.update(scripts)
			.set({ secretsVersion: sql`${scripts.secretsVersion} + 1` })
			.where(and(eq(scripts.id, scriptId), isNull(scripts.deletedAt))),
		...Object.entries(change.put).map(([name, ciphertext]) =>
			db.run(sql`
				INSERT INTO ${secrets} (script_id, name, ciphertext, updated_at) SELECT ${scriptId}, ${name}, ${ciphertext}, ${now} WHERE ${live}
				ON CONFLICT (script_id, name) DO UPDATE SET ciphertext = excluded.ciphertext, updated_at = excluded.updated_at`),
		),
		...change.delete.map((name) => db.run(sql`DELETE FROM ${secrets} WHERE script_id = ${scriptId} AND name = ${name} AND ${live}`)),
	]);
	if (results[0]?.meta.changes !== 1) return undefined;
	const deletes = results.slice(1 + Object.keys(change.put).length);
	return change.delete.filter((_, i) => deletes[i]?.meta.changes === 1);
}
