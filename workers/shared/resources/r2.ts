/**
 * R2 as Ferry provides it (docs/bindings.md): the limits Ferry checks, with R2's own messages
 * (https://developers.cloudflare.com/r2/platform/limits/; the texts are R2's, as Miniflare and
 * workerd give them), and the plain-data shapes an object crosses RPC in: the resources Worker
 * returns them, the dispatcher's FerryR2 passes them on, and the tenant isolate's R2 module
 * (../runtime/r2-module.ts) turns them back into R2Object and R2ObjectBody.
 */

/**
 * Locally every tenant bucket is a key prefix of one Miniflare bucket (workers/resources/src/r2.ts):
 * 21 bytes of prefix plus a key of at most 1000 bytes stay within R2's 1024-byte key limit. On
 * Cloudflare each tenant bucket is a bucket of its own and R2's limits apply unchanged.
 */
export const R2_LIMITS = {
	keyBytes: 1000,
	/** One put locally: 100 MiB, Cloudflare's largest request body on the Free and Pro plans (R2's own single put is 5 GiB). */
	objectBytes: 100 * 1024 * 1024,
	customMetadataBytes: 8192,
	listKeys: 1000,
	/** Keys one delete() takes. */
	deleteKeys: 1000,
} as const;

/** A refusal of an R2 call in R2's words: `put: The specified object name is not valid. (10020)`. */
export class R2CallError extends Error {
	override name = "R2Error";
	constructor(operation: string, detail: string, code: number) {
		super(`${operation}: ${detail} (${code})`);
	}
}

const encoder = new TextEncoder();

export function checkR2Key(key: unknown, operation: string): string {
	const text = String(key);
	if (encoder.encode(text).byteLength > R2_LIMITS.keyBytes)
		throw new R2CallError(operation, "The specified object name is not valid.", 10020);
	return text;
}

export const tooLarge = (operation: string) =>
	new R2CallError(operation, "Your proposed upload exceeds the maximum allowed object size.", 100100);

/** A Headers value as it crosses RPC (its entries), rebuilt into Headers by the resources Worker. */
export interface HeadersEntries {
	headers: [string, string][];
}

/** An R2Object's fields as plain data. */
export interface R2ObjectInfo {
	key: string;
	version: string;
	size: number;
	etag: string;
	httpEtag: string;
	uploaded: Date;
	httpMetadata: R2HTTPMetadata;
	customMetadata: Record<string, string>;
	range?: R2Range;
	checksums: { md5?: ArrayBuffer; sha1?: ArrayBuffer; sha256?: ArrayBuffer; sha384?: ArrayBuffer; sha512?: ArrayBuffer };
	storageClass: string;
}

/** A get's answer: the object with its body, or (a precondition failed) without. */
export type R2GetResult = (R2ObjectInfo & { body?: ReadableStream<Uint8Array> }) | null;

export interface R2ListResult {
	objects: R2ObjectInfo[];
	delimitedPrefixes: string[];
	truncated: boolean;
	cursor?: string;
}

/** The get options as they cross RPC: R2's, with Headers carried as their entries. */
export interface R2GetWire {
	onlyIf?: R2Conditional | HeadersEntries;
	range?: R2Range | HeadersEntries;
}

export interface R2PutWire {
	onlyIf?: R2Conditional | HeadersEntries;
	httpMetadata?: R2HTTPMetadata | HeadersEntries;
	customMetadata?: Record<string, string>;
	md5?: ArrayBuffer | string;
	sha1?: ArrayBuffer | string;
	sha256?: ArrayBuffer | string;
	sha384?: ArrayBuffer | string;
	sha512?: ArrayBuffer | string;
	storageClass?: string;
}

export interface R2ListWire {
	prefix?: string;
	delimiter?: string;
	cursor?: string;
	startAfter?: string;
	limit?: number;
	include?: ("httpMetadata" | "customMetadata")[];
}

/** A put's value as it crosses RPC: bytes, or a stream the resources Worker reads up to the limit. */
export type R2Value = ArrayBuffer | ReadableStream<Uint8Array> | string | null;

/** One tenant bucket as the binding and the API call it (workers/resources/src/r2.ts). */
export interface R2Store {
	head(key: string): Promise<R2ObjectInfo | null>;
	get(key: string, options: R2GetWire): Promise<R2GetResult>;
	put(key: string, value: R2Value, options: R2PutWire): Promise<R2ObjectInfo | null>;
	list(options: R2ListWire): Promise<R2ListResult>;
	delete(keys: string[]): Promise<void>;
}
