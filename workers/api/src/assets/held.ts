/**
 * The `assets` table: which asset hashes a tenant holds. Its only writer is `recordAsset`, called
 * after the bytes are in R2, so a row always has its bytes. Reads are always scoped to one tenant.
 */
import { sql } from "drizzle-orm";
import { type Database, runBatch } from "../../../shared/db";
import { assets } from "../../../shared/db/schema";

export interface HeldAsset {
	hash: string;
	size: number;
	contentType: string | null;
}

/** One bound JSON array per query: a manifest's 20,000 hashes are four reads, not two hundred. */
const HASHES_PER_QUERY = 5_000;

/** The tenant's assets among `hashes`, by hash. Another tenant's identical file is not among them. */
export async function heldAssets(db: Database, tenantId: string, hashes: readonly string[]): Promise<Map<string, HeldAsset>> {
	const chunks: string[][] = [];
	for (let i = 0; i < hashes.length; i += HASHES_PER_QUERY) chunks.push(hashes.slice(i, i + HASHES_PER_QUERY));
	const answers = await Promise.all(
		chunks.map((chunk) =>
			db.all<HeldAsset>(sql`
				SELECT hash, size, content_type AS contentType FROM ${assets}
				WHERE tenant_id = ${tenantId} AND hash IN (SELECT value FROM json_each(${JSON.stringify(chunk)}))`),
		),
	);
	return new Map(answers.flat().map((row) => [row.hash, row]));
}

/** D1 binds at most 100 parameters per statement: 5 columns, 20 rows. */
const ROWS_PER_INSERT = 20;

/** Records that the tenant holds these assets (their bytes already stored), in one batch. A second upload of one changes nothing. */
export async function recordAssets(db: Database, tenantId: string, held: readonly HeldAsset[], now = Date.now()): Promise<void> {
	if (held.length === 0) return;
	const rows = held.map((a) => ({ tenantId, hash: a.hash, size: a.size, contentType: a.contentType, createdAt: now }));
	const inserts = [];
	for (let i = 0; i < rows.length; i += ROWS_PER_INSERT)
		inserts.push(
			db
				.insert(assets)
				.values(rows.slice(i, i + ROWS_PER_INSERT))
				.onConflictDoNothing(),
		);
	await runBatch(db, inserts);
}
