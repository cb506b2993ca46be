/** A tenant's egress allow-list, read through PlatformReads and kept per isolate for a short while. */
import { BoundedMap } from "../../shared/bounded-map";
import type { MaybePromise } from "../../shared/maybe-promise";

/** How long a change to an allow-list may take to reach every isolate. */
const ALLOW_LIST_TTL_MS = 30_000;
const MAX_TENANTS = 10_000;

const cache = new BoundedMap<string, readonly string[]>({ maxEntries: MAX_TENANTS, ttlMs: ALLOW_LIST_TTL_MS });

/** Reads a tenant's allow-list from storage (PlatformReads.allowList, or its D1 query directly). */
export type AllowListRead = (tenantId: string) => Promise<readonly string[]>;

/** The cached list as a plain value, else a promise of a read (then cached). */
export function allowListFor(read: AllowListRead, tenantId: string): MaybePromise<readonly string[]> {
	return cache.get(tenantId) ?? loadAllowList(read, tenantId);
}

async function loadAllowList(read: AllowListRead, tenantId: string): Promise<readonly string[]> {
	const hosts = await read(tenantId);
	cache.set(tenantId, hosts);
	return hosts;
}
