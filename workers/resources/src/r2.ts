/**
 * Tenants' R2 buckets locally (docs/bindings.md): every tenant bucket is a key prefix of one real
 * Miniflare R2 bucket (TENANT_BUCKETS), so range reads, conditionals, checksums, etags, HTTP
 * metadata and delimited listing are R2's own code, not Ferry's. The prefix is derived from the
 * tenant id and the bucket's name (never from anything the tenant's code passes), every key the
 * tenant gives is put after it, and every key and prefix R2 answers has it cut off: a key is only
 * ever a string inside the tenant's prefix, so `../` or any guess names an object of that bucket.
 */
import type { ResourceUsage } from "../../shared/resources/api";
import { type ResourceRef, resourceKey } from "../../shared/resources/index";
import {
	type HeadersEntries,
	R2_LIMITS,
	type R2GetResult,
	type R2GetWire,
	type R2ListResult,
	type R2ListWire,
	type R2ObjectInfo,
	type R2PutWire,
	type R2Store,
	type R2Value,
	tooLarge,
} from "../../shared/resources/r2";

/**
 * `<20 base64url characters of SHA-256(tenant/type/name)>/`: fixed length (21 bytes, which
 * R2_LIMITS.keyBytes leaves room for) and 120 bits, so no two resources share one.
 */
export async function bucketPrefix(ref: ResourceRef): Promise<string> {
	const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(resourceKey(ref))));
	const base64 = btoa(String.fromCharCode(...digest))
		.replaceAll("+", "-")
		.replaceAll("/", "_");
	return `${base64.slice(0, 20)}/`;
}

const isEntries = (value: unknown): value is HeadersEntries =>
	typeof value === "object" && value !== null && Array.isArray((value as HeadersEntries).headers);
const headersOf = <T>(value: T | HeadersEntries | undefined): T | Headers | undefined =>
	isEntries(value) ? new Headers(value.headers) : value;

function info(object: R2Object, prefix: string): R2ObjectInfo {
	const checksums = object.checksums.toJSON();
	const bytes = (hex: string | undefined) =>
		hex === undefined ? undefined : (Uint8Array.from(hex.match(/../g) ?? [], (h) => Number.parseInt(h, 16)).buffer as ArrayBuffer);
	return {
		key: object.key.slice(prefix.length),
		version: object.version,
		size: object.size,
		etag: object.etag,
		httpEtag: object.httpEtag,
		uploaded: object.uploaded,
		httpMetadata: { ...object.httpMetadata },
		customMetadata: { ...object.customMetadata },
		...(object.range ? { range: object.range } : {}),
		checksums: Object.fromEntries(
			Object.entries(checksums).flatMap(([name, hex]) => (hex ? [[name, bytes(hex as string)]] : [])),
		) as R2ObjectInfo["checksums"],
		storageClass: object.storageClass,
	};
}

/** A put's value as R2 takes it: a stream is read here, up to Ferry's local object limit (R2's binding needs a known length). */
async function bytesOf(value: R2Value): Promise<ArrayBuffer | string | null> {
	if (!(value instanceof ReadableStream)) {
		const size = value === null ? 0 : typeof value === "string" ? new TextEncoder().encode(value).byteLength : value.byteLength;
		if (size > R2_LIMITS.objectBytes) throw tooLarge("put");
		return value;
	}
	const chunks: Uint8Array[] = [];
	let size = 0;
	for await (const chunk of value) {
		size += chunk.byteLength;
		if (size > R2_LIMITS.objectBytes) {
			await value.cancel().catch(() => undefined);
			throw tooLarge("put");
		}
		chunks.push(chunk);
	}
	return (await new Blob(chunks).arrayBuffer()) as ArrayBuffer;
}

/** One tenant bucket: the calls of the R2 binding, inside the bucket's prefix. */
export class TenantBucket implements R2Store {
	constructor(
		private readonly bucket: R2Bucket,
		private readonly prefix: string,
	) {}

	async head(key: string): Promise<R2ObjectInfo | null> {
		const object = await this.bucket.head(this.prefix + key);
		return object ? info(object, this.prefix) : null;
	}

	async get(key: string, options: R2GetWire): Promise<R2GetResult> {
		const object = await this.bucket.get(this.prefix + key, {
			...(options.onlyIf !== undefined ? { onlyIf: headersOf(options.onlyIf) } : {}),
			...(options.range !== undefined ? { range: headersOf(options.range) } : {}),
		});
		if (!object) return null;
		return "body" in object ? { ...info(object, this.prefix), body: object.body } : info(object, this.prefix);
	}

	async put(key: string, value: R2Value, options: R2PutWire): Promise<R2ObjectInfo | null> {
		const { onlyIf, httpMetadata, ...rest } = options;
		const object = await this.bucket.put(this.prefix + key, await bytesOf(value), {
			...rest,
			...(onlyIf !== undefined ? { onlyIf: headersOf(onlyIf) } : {}),
			...(httpMetadata !== undefined ? { httpMetadata: headersOf(httpMetadata) } : {}),
		} as R2PutOptions);
		return object ? info(object, this.prefix) : null;
	}

	async list(options: R2ListWire): Promise<R2ListResult> {
		const listed = await this.bucket.list({
			...options,
			prefix: this.prefix + (options.prefix ?? ""),
			...(options.startAfter !== undefined ? { startAfter: this.prefix + options.startAfter } : {}),
		});
		return {
			objects: listed.objects.map((object) => info(object, this.prefix)),
			delimitedPrefixes: listed.delimitedPrefixes.map((prefix) => prefix.slice(this.prefix.length)),
			truncated: listed.truncated,
			...(listed.truncated ? { cursor: listed.cursor } : {}),
		};
	}

	async delete(keys: string[]): Promise<void> {
		if (keys.length > 0) await this.bucket.delete(keys.map((key) => this.prefix + key));
	}

	/** Objects and bytes held (GET /v1/resources): a listing of the whole bucket, page by page. */
	async usage(): Promise<ResourceUsage> {
		let keys = 0;
		let bytes = 0;
		for await (const object of this.all()) {
			keys++;
			bytes += object.size;
		}
		return { keys, bytes };
	}

	/** Deletes every object of the bucket (`ferry r2 bucket delete`). */
	async destroy(): Promise<void> {
		// Listed whole first: a listing's cursor need not survive deletes behind it.
		const keys: string[] = [];
		for await (const object of this.all()) keys.push(object.key);
		for (let i = 0; i < keys.length; i += R2_LIMITS.deleteKeys) await this.bucket.delete(keys.slice(i, i + R2_LIMITS.deleteKeys));
	}

	private async *all(): AsyncGenerator<R2Object> {
		let cursor: string | undefined;
		do {
			const page = await this.bucket.list({ prefix: this.prefix, ...(cursor ? { cursor } : {}) });
			yield* page.objects;
			cursor = page.truncated ? page.cursor : undefined;
		} while (cursor);
	}
}
