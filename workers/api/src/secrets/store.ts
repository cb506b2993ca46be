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
	const [version, rows] = await runBatch(db, snapshotStatements(db, scriptId));
	return snapshotOf(version!, rows!);
}

/** The snapshot's two reads, for a caller's batch (the pipeline's Built batch); snapshotOf reads their results. */
export function snapshotStatements(db: Database, scriptId: string) {
	return [
		db.run(sql`SELECT secrets_version AS version FROM ${scripts} WHERE id = ${scriptId}`),
		db.run(sql`SELECT name, ciphertext FROM ${secrets} WHERE script_id = ${scriptId}`),
	] as const;
}

export function snapshotOf(version: D1Result, rows: D1Result): SecretsSnapshot {
	const sealed = (rows.results as { name: string; ciphertext: string }[]).map((row) => [row.name, row.ciphertext]);
	return { version: (version.results[0] as { version: number } | undefined)?.version ?? 0, sealed: Object.fromEntries(sealed) };
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
