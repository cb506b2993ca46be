/** A tenant's egress allow-list, read from D1 and kept per isolate for a short while. */
import { BoundedMap } from "../../shared/bounded-map";
import type { MaybePromise } from "../../shared/maybe-promise";

/** How long a change to an allow-list may take to reach every isolate. */
const ALLOW_LIST_TTL_MS = 30_000;
const MAX_TENANTS = 10_000;

const cache = new BoundedMap<string, readonly string[]>({ maxEntries: MAX_TENANTS, ttlMs: ALLOW_LIST_TTL_MS });

/** The cached list as a plain value, else a promise of a D1 read (then cached). */
export function allowListFor(db: D1Database, tenantId: string): MaybePromise<readonly string[]> {
	return cache.get(tenantId) ?? loadAllowList(db, tenantId);
}

async function loadAllowList(db: D1Database, tenantId: string): Promise<readonly string[]> {
	const { results } = await db.prepare("SELECT host FROM egress_allow_list WHERE tenant_id = ?1").bind(tenantId).all<{ host: string }>();
	const hosts = results.map((row) => row.host.toLowerCase());
	cache.set(tenantId, hosts);
	return hosts;
}
