/** API tokens: random, shown once, stored as a sha256 hash, revocable. */
import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "../../../shared/db";
import { apiTokens, tenants } from "../../../shared/db/schema";
import { newId, newToken, sha256Hex } from "../../../shared/ids";
import { iso } from "../../../shared/time";
import type { TenantContext } from "../env";
import type { IssuedTokenView } from "../views";

/** The insert for a new token (run alone or in a batch) and the token to show once. */
export async function prepareToken(db: Database, tenantId: string, name: string, now: number) {
	const token = newToken();
	const id = newId();
	const insert = db.insert(apiTokens).values({ id, tenantId, name, tokenHash: await sha256Hex(token), createdAt: now });
	const issued: IssuedTokenView = { id, name, token, created_at: iso(now) };
	return { insert, issued };
}

/** The tenant a live token belongs to, or undefined. */
export async function tenantForToken(db: Database, token: string): Promise<TenantContext | undefined> {
	const rows = await db
		.select({ id: tenants.id, name: tenants.name, plan: tenants.plan, tokenId: apiTokens.id })
		.from(apiTokens)
		.innerJoin(tenants, eq(tenants.id, apiTokens.tenantId))
		.where(and(eq(apiTokens.tokenHash, await sha256Hex(token)), isNull(apiTokens.revokedAt)))
		.limit(1);
	return rows[0];
}
