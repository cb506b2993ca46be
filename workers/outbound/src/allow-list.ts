/** A tenant's egress allow-list, read from D1 and kept per isolate for a short while. */
import { TtlCache } from "../../shared/ttl-cache";

/** How long a change to an allow-list may take to reach every isolate. */
const ALLOW_LIST_TTL_MS = 30_000;
const MAX_TENANTS = 10_000;

const cache = new TtlCache<string, readonly string[]>(MAX_TENANTS, ALLOW_LIST_TTL_MS);

export function allowListFor(db: D1Database, tenantId: string): Promise<readonly string[]> {
	return cache.get(tenantId, async () => {
		const { results } = await db.prepare("SELECT host FROM egress_allow_list WHERE tenant_id = ?1").bind(tenantId).all<{ host: string }>();
		return results.map((row) => row.host.toLowerCase());
	});
}
