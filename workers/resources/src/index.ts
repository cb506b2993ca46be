/**
 * The resources Worker (docs/bindings.md): tenants' KV namespaces and D1 databases, one Durable
 * Object per resource (./store.ts, ./database.ts), and R2 buckets, key prefixes of one R2 bucket (./r2.ts). Its Resources entrypoint is reached only by the
 * platform: the dispatcher's bindings in tenant env (whose props name the tenant and the resource)
 * and the API (the caller's tenant, from its token). Locally it runs in the control process; with
 * the dispatch namespace in production, tenants' resources are Cloudflare's own instead.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import type { ResourcesApi, ResourceUsage } from "../../shared/resources/api";
import type { D1Answer, D1Query } from "../../shared/resources/d1";
import { type ResourceRef, resourceKey } from "../../shared/resources/index";
import type { KvEntry, KvListPage } from "../../shared/resources/kv";
import type { R2GetResult, R2GetWire, R2ListResult, R2ListWire, R2ObjectInfo, R2PutWire, R2Value } from "../../shared/resources/r2";
import { bucketPrefix, TenantBucket } from "./r2";

export { TenantDatabase } from "./database";
export { TenantResource } from "./store";

const storeOf = (env: ResourcesEnv, ref: ResourceRef) => env.TENANT_RESOURCE.get(env.TENANT_RESOURCE.idFromName(resourceKey(ref)));
/** A D1 database is a Durable Object class of its own: its SQLite holds the tenant's tables and nothing of the platform's. */
const databaseOf = (env: ResourcesEnv, ref: ResourceRef) => env.TENANT_DATABASE.get(env.TENANT_DATABASE.idFromName(resourceKey(ref)));
const bucketOf = async (env: ResourcesEnv, ref: ResourceRef) => new TenantBucket(env.TENANT_BUCKETS, await bucketPrefix(ref));

export class Resources extends WorkerEntrypoint<ResourcesEnv> implements ResourcesApi {
	kvGet(ref: ResourceRef, keys: string[]): Promise<(KvEntry | null)[]> {
		return storeOf(this.env, ref).get(keys);
	}

	kvPut(ref: ResourceRef, key: string, value: ArrayBuffer, stored: { expiration: number | null; metadata: string | null }): Promise<void> {
		return storeOf(this.env, ref).put(key, value, stored);
	}

	kvDelete(ref: ResourceRef, key: string): Promise<void> {
		return storeOf(this.env, ref).delete(key);
	}

	kvList(ref: ResourceRef, options: { prefix: string; cursor: string | null; limit: number }): Promise<KvListPage> {
		return storeOf(this.env, ref).list(options);
	}

	async r2Head(ref: ResourceRef, key: string): Promise<R2ObjectInfo | null> {
		return (await bucketOf(this.env, ref)).head(key);
	}

	async r2Get(ref: ResourceRef, key: string, options: R2GetWire): Promise<R2GetResult> {
		return (await bucketOf(this.env, ref)).get(key, options);
	}

	async r2Put(ref: ResourceRef, key: string, value: R2Value, options: R2PutWire): Promise<R2ObjectInfo | null> {
		return (await bucketOf(this.env, ref)).put(key, value, options);
	}

	async r2List(ref: ResourceRef, options: R2ListWire): Promise<R2ListResult> {
		return (await bucketOf(this.env, ref)).list(options);
	}

	async r2Delete(ref: ResourceRef, keys: string[]): Promise<void> {
		return (await bucketOf(this.env, ref)).delete(keys);
	}

	d1Query(ref: ResourceRef, queries: D1Query[]): Promise<D1Answer> {
		return databaseOf(this.env, ref).query(queries);
	}

	async usage(ref: ResourceRef): Promise<ResourceUsage> {
		if (ref.type === "r2_bucket") return (await bucketOf(this.env, ref)).usage();
		if (ref.type === "d1") return databaseOf(this.env, ref).usage();
		return storeOf(this.env, ref).usage();
	}

	async destroy(ref: ResourceRef): Promise<void> {
		if (ref.type === "r2_bucket") return (await bucketOf(this.env, ref)).destroy();
		if (ref.type === "d1") return databaseOf(this.env, ref).destroy();
		return storeOf(this.env, ref).destroy();
	}
}

export default {
	fetch: () => new Response(null, { status: 404 }),
} satisfies ExportedHandler<ResourcesEnv>;
