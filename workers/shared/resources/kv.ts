/**
 * Workers KV as Ferry provides it: the limits, checks and error messages of Cloudflare's binding
 * (https://developers.cloudflare.com/kv/platform/limits/; the messages are Miniflare's, which
 * mirror the service's), and the calls the binding makes to a namespace's store. The tenant-facing
 * binding (dispatch/src/resources/kv.ts) and the API's key endpoints check with the same functions.
 */

export const KV_LIMITS = {
	keyBytes: 512,
	valueBytes: 25 * 1024 * 1024,
	metadataBytes: 1024,
	minExpirationTtlSeconds: 60,
	listKeys: 1000,
} as const;

/** A refusal of a KV call, with KV's HTTP status and message ("KV PUT failed: 413 Value length of …"). */
export class KvError extends Error {
	override name = "KvError";
	constructor(
		readonly status: number,
		readonly detail: string,
		operation: "GET" | "PUT" | "DELETE" | "LIST",
	) {
		super(`KV ${operation} failed: ${status} ${detail}`);
	}
}

const encoder = new TextEncoder();
const byteLength = (text: string) => encoder.encode(text).byteLength;

export function checkKey(key: string, operation: "GET" | "PUT" | "DELETE"): void {
	if (key === "") throw new KvError(400, "Key names must not be empty", operation);
	if (key === "." || key === "..") throw new KvError(400, `Illegal key name "${key}". Please use a different name.`, operation);
	const length = byteLength(key);
	if (length > KV_LIMITS.keyBytes)
		throw new KvError(414, `UTF-8 encoded length of ${length} exceeds key length limit of ${KV_LIMITS.keyBytes}.`, operation);
}

export interface KvPutOptions {
	expiration?: number | string;
	expirationTtl?: number | string;
	metadata?: unknown;
}

/** A put's checks: the absolute expiration (seconds since the epoch) it stores, and its metadata's JSON. */
export function checkPut(
	key: string,
	valueBytes: number,
	options: KvPutOptions,
	nowSeconds: number,
): { expiration: number | null; metadata: string | null } {
	checkKey(key, "PUT");
	if (valueBytes > KV_LIMITS.valueBytes)
		throw new KvError(413, `Value length of ${valueBytes} exceeds limit of ${KV_LIMITS.valueBytes}.`, "PUT");
	let expiration: number | null = null;
	if (options.expirationTtl !== undefined && options.expirationTtl !== null) {
		const ttl = Number.parseInt(String(options.expirationTtl), 10);
		if (Number.isNaN(ttl) || ttl <= 0)
			throw new KvError(400, `Invalid expiration_ttl of ${options.expirationTtl}. Please specify integer greater than 0.`, "PUT");
		if (ttl < KV_LIMITS.minExpirationTtlSeconds)
			throw new KvError(
				400,
				`Invalid expiration_ttl of ${options.expirationTtl}. Expiration TTL must be at least ${KV_LIMITS.minExpirationTtlSeconds}.`,
				"PUT",
			);
		expiration = nowSeconds + ttl;
	} else if (options.expiration !== undefined && options.expiration !== null) {
		const at = Number.parseInt(String(options.expiration), 10);
		if (Number.isNaN(at) || at <= nowSeconds)
			throw new KvError(
				400,
				`Invalid expiration of ${options.expiration}. Please specify integer greater than the current number of seconds since the UNIX epoch.`,
				"PUT",
			);
		if (at < nowSeconds + KV_LIMITS.minExpirationTtlSeconds)
			throw new KvError(
				400,
				`Invalid expiration of ${options.expiration}. Expiration times must be at least ${KV_LIMITS.minExpirationTtlSeconds} seconds in the future.`,
				"PUT",
			);
		expiration = at;
	}
	let metadata: string | null = null;
	if (options.metadata !== undefined && options.metadata !== null) {
		metadata = JSON.stringify(options.metadata);
		const length = byteLength(metadata);
		if (length > KV_LIMITS.metadataBytes)
			throw new KvError(413, `Metadata length of ${length} exceeds limit of ${KV_LIMITS.metadataBytes}.`, "PUT");
	}
	return { expiration, metadata };
}

export interface KvListOptions {
	prefix?: string | null;
	cursor?: string | null;
	limit?: number;
}

export function checkList(options: KvListOptions): { prefix: string; cursor: string | null; limit: number } {
	const limit = options.limit ?? KV_LIMITS.listKeys;
	if (Number.isNaN(limit) || limit < 1)
		throw new KvError(400, `Invalid key_count_limit of ${limit}. Please specify an integer greater than 0.`, "LIST");
	if (limit > KV_LIMITS.listKeys)
		throw new KvError(400, `Invalid key_count_limit of ${limit}. Please specify an integer less than ${KV_LIMITS.listKeys}.`, "LIST");
	const prefix = options.prefix ?? "";
	const length = byteLength(prefix);
	if (length > KV_LIMITS.keyBytes)
		throw new KvError(414, `UTF-8 encoded length of ${length} exceeds key length limit of ${KV_LIMITS.keyBytes}.`, "LIST");
	return { prefix, cursor: options.cursor || null, limit: Math.floor(limit) };
}

/** A stored value as the store hands it out. */
export interface KvEntry {
	value: ArrayBuffer;
	/** The metadata's JSON text, as it was put. */
	metadata: string | null;
	expiration: number | null;
}

export interface KvListedKey {
	name: string;
	expiration?: number;
	metadata?: unknown;
}

export interface KvListPage {
	keys: KvListedKey[];
	list_complete: boolean;
	cursor?: string;
}

/** A namespace's store as the binding and the API call it (workers/resources/, one Durable Object per namespace). */
export interface KvStore {
	get(keys: string[]): Promise<(KvEntry | null)[]>;
	put(key: string, value: ArrayBuffer, stored: { expiration: number | null; metadata: string | null }): Promise<void>;
	delete(key: string): Promise<void>;
	list(options: { prefix: string; cursor: string | null; limit: number }): Promise<KvListPage>;
}
