/**
 * The `assets` table: which asset hashes a tenant holds. Its only writer is `recordAsset`, called
 * after the bytes are in R2, so a row always has its bytes. Reads are always scoped to one tenant.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../../../shared/db";
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

/** Records that the tenant holds an asset (its bytes already stored). A second upload of it changes nothing. */
export async function recordAsset(db: Database, tenantId: string, asset: HeldAsset, now = Date.now()): Promise<void> {
	await db
		.insert(assets)
		.values({ tenantId, hash: asset.hash, size: asset.size, contentType: asset.contentType, createdAt: now })
		.onConflictDoNothing();
}
