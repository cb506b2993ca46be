/**
 * The resources Worker (docs/bindings.md): tenants' KV namespaces (later D1 databases, R2 buckets),
 * one Durable Object per resource (./store.ts). Its Resources entrypoint is reached only by the
 * platform: the dispatcher's bindings in tenant env (whose props name the tenant and the resource)
 * and the API (the caller's tenant, from its token). Locally it runs in the control process; with
 * the dispatch namespace in production, tenants' resources are Cloudflare's own instead.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import type { ResourcesApi, ResourceUsage } from "../../shared/resources/api";
import { type ResourceRef, resourceKey } from "../../shared/resources/index";
import type { KvEntry, KvListPage } from "../../shared/resources/kv";

export { TenantResource } from "./store";

const storeOf = (env: ResourcesEnv, ref: ResourceRef) => env.TENANT_RESOURCE.get(env.TENANT_RESOURCE.idFromName(resourceKey(ref)));

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

	usage(ref: ResourceRef): Promise<ResourceUsage> {
		return storeOf(this.env, ref).usage();
	}

	destroy(ref: ResourceRef): Promise<void> {
		return storeOf(this.env, ref).destroy();
	}
}

export default {
	fetch: () => new Response(null, { status: 404 }),
} satisfies ExportedHandler<ResourcesEnv>;
