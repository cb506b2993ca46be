/**
 * R2's JavaScript API inside a tenant's Worker Loader isolate (docs/bindings.md, "R2 buckets").
 * The binding in env is an RPC stub of the dispatcher's FerryR2 (dispatch/src/resources/r2.ts),
 * whose answers are plain data: RPC cannot carry an R2Object's methods, and
 * `object.writeHttpMetadata(headers)` must fill the caller's own Headers, synchronously. So this
 * module, imported by the isolate's platform main module (./binding-modules.ts), replaces each R2
 * binding in env (workerd hands every handler and `cloudflare:workers` the same env object) with an
 * R2Bucket built on the stub. Tenant modules are never rewritten; the stub stays the only way to the data.
 */

/** Runs in the tenant isolate, as JavaScript: keep it to what workerd gives every Worker. */
export const r2Source = (bindings: string[]) => `
import { env } from "cloudflare:workers";

const wireHeaders = (value) => (value instanceof Headers ? { headers: [...value] } : value);
const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");

class R2Checksums {
	constructor(checksums) { Object.assign(this, checksums); }
	toJSON() {
		return Object.fromEntries(Object.entries(this).map(([name, buffer]) => [name, hex(buffer)]));
	}
}

class R2Object {
	constructor(info) {
		this.key = info.key;
		this.version = info.version;
		this.size = info.size;
		this.etag = info.etag;
		this.httpEtag = info.httpEtag;
		this.uploaded = info.uploaded;
		this.httpMetadata = info.httpMetadata;
		this.customMetadata = info.customMetadata;
		if (info.range) this.range = info.range;
		this.checksums = new R2Checksums(info.checksums);
		this.storageClass = info.storageClass;
	}
	writeHttpMetadata(headers) {
		const m = this.httpMetadata ?? {};
		if (m.contentType !== undefined) headers.set("content-type", m.contentType);
		if (m.contentLanguage !== undefined) headers.set("content-language", m.contentLanguage);
		if (m.contentDisposition !== undefined) headers.set("content-disposition", m.contentDisposition);
		if (m.contentEncoding !== undefined) headers.set("content-encoding", m.contentEncoding);
		if (m.cacheControl !== undefined) headers.set("cache-control", m.cacheControl);
		if (m.cacheExpiry !== undefined) headers.set("expires", new Date(m.cacheExpiry).toUTCString());
	}
}

class R2ObjectBody extends R2Object {
	#response;
	constructor(info, body) {
		super(info);
		this.#response = new Response(body);
	}
	get body() { return this.#response.body; }
	get bodyUsed() { return this.#response.bodyUsed; }
	arrayBuffer() { return this.#response.arrayBuffer(); }
	bytes() { return this.#response.bytes(); }
	text() { return this.#response.text(); }
	json() { return this.#response.json(); }
	blob() { return this.#response.blob(); }
}

const objectOf = (info) => (info === null ? null : "body" in info ? new R2ObjectBody(info, info.body) : new R2Object(info));

// An RPC call's arguments are at most 32 MiB: a larger value crosses as a stream.
const STREAM_OVER = 1024 * 1024;

async function valueOf(value) {
	if (value === null || value === undefined) return null;
	if (value instanceof ReadableStream) return value;
	if (typeof value === "string" && value.length <= STREAM_OVER / 4) return value;
	if (!(typeof value === "string" || value instanceof ArrayBuffer || ArrayBuffer.isView(value) || value instanceof Blob))
		throw new TypeError("put() accepts only nulls, strings, Blobs, ArrayBuffers, ArrayBufferViews, and ReadableStreams as values.");
	const blob = value instanceof Blob ? value : new Blob([value]);
	return blob.size > STREAM_OVER ? blob.stream() : blob.arrayBuffer();
}

const digest = (value) => (ArrayBuffer.isView(value) ? value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength) : value);

class R2Bucket {
	#stub;
	constructor(stub) { this.#stub = stub; }
	async head(key) { return objectOf(await this.#stub.head(key)); }
	async get(key, options = {}) {
		const wire = {};
		if (options?.onlyIf !== undefined) wire.onlyIf = wireHeaders(options.onlyIf);
		if (options?.range !== undefined) wire.range = wireHeaders(options.range);
		return objectOf(await this.#stub.get(key, wire));
	}
	async put(key, value, options = {}) {
		const wire = { ...options };
		if (options?.onlyIf !== undefined) wire.onlyIf = wireHeaders(options.onlyIf);
		if (options?.httpMetadata !== undefined) wire.httpMetadata = wireHeaders(options.httpMetadata);
		for (const name of ["md5", "sha1", "sha256", "sha384", "sha512"]) if (wire[name] !== undefined) wire[name] = digest(wire[name]);
		return objectOf(await this.#stub.put(key, await valueOf(value), wire));
	}
	async list(options = {}) {
		const listed = await this.#stub.list(options ?? {});
		return { ...listed, objects: listed.objects.map((info) => new R2Object(info)) };
	}
	delete(keys) { return this.#stub.delete(keys); }
	createMultipartUpload() {
		return Promise.reject(new Error("createMultipartUpload: multipart uploads are not supported by Ferry (docs/compatibility.md)"));
	}
	resumeMultipartUpload() {
		throw new Error("resumeMultipartUpload: multipart uploads are not supported by Ferry (docs/compatibility.md)");
	}
}

for (const name of ${JSON.stringify(bindings)}) env[name] = new R2Bucket(env[name]);
`;
