/** The resources Worker's RPC surface (workers/resources/): what the dispatcher's bindings and the API call. */

import type { D1Answer, D1Query } from "./d1";
import type { ResourceRef } from "./index";
import type { KvEntry, KvListPage } from "./kv";
import type { R2GetResult, R2GetWire, R2ListResult, R2ListWire, R2ObjectInfo, R2PutWire, R2Value } from "./r2";

export interface ResourceUsage {
	/** A KV namespace's keys, a bucket's objects; null for a D1 database. */
	keys: number | null;
	bytes: number;
}

export interface ResourcesApi {
	kvGet(ref: ResourceRef, keys: string[]): Promise<(KvEntry | null)[]>;
	kvPut(ref: ResourceRef, key: string, value: ArrayBuffer, stored: { expiration: number | null; metadata: string | null }): Promise<void>;
	kvDelete(ref: ResourceRef, key: string): Promise<void>;
	kvList(ref: ResourceRef, options: { prefix: string; cursor: string | null; limit: number }): Promise<KvListPage>;
	r2Head(ref: ResourceRef, key: string): Promise<R2ObjectInfo | null>;
	r2Get(ref: ResourceRef, key: string, options: R2GetWire): Promise<R2GetResult>;
	r2Put(ref: ResourceRef, key: string, value: R2Value, options: R2PutWire): Promise<R2ObjectInfo | null>;
	r2List(ref: ResourceRef, options: R2ListWire): Promise<R2ListResult>;
	r2Delete(ref: ResourceRef, keys: string[]): Promise<void>;
	/** The statements in one transaction (a D1 query or batch). */
	d1Query(ref: ResourceRef, queries: D1Query[]): Promise<D1Answer>;
	usage(ref: ResourceRef): Promise<ResourceUsage>;
	destroy(ref: ResourceRef): Promise<void>;
}
