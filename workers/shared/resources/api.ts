/** The resources Worker's RPC surface (workers/resources/): what the dispatcher's bindings and the API call. */
import type { ResourceRef } from "./index";
import type { KvEntry, KvListPage } from "./kv";

export interface ResourceUsage {
	keys: number;
	bytes: number;
}

export interface ResourcesApi {
	kvGet(ref: ResourceRef, keys: string[]): Promise<(KvEntry | null)[]>;
	kvPut(ref: ResourceRef, key: string, value: ArrayBuffer, stored: { expiration: number | null; metadata: string | null }): Promise<void>;
	kvDelete(ref: ResourceRef, key: string): Promise<void>;
	kvList(ref: ResourceRef, options: { prefix: string; cursor: string | null; limit: number }): Promise<KvListPage>;
	usage(ref: ResourceRef): Promise<ResourceUsage>;
	destroy(ref: ResourceRef): Promise<void>;
}
