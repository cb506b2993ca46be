/**
 * A tenant Worker's KV namespace binding (`env.MY_KV`) when the runtime is Worker Loader: a loopback
 * entrypoint of the dispatcher whose props name the tenant and the namespace, handed to the tenant's
 * isolate in its env as the assets binding is (../runtime/). The tenant calls the Workers KV API on
 * it (get, getWithMetadata, put, list, delete, with their options) and cannot name anything else:
 * the props are the dispatcher's, set when the isolate was created from the deployment's manifest.
 * The data lives in the resources Worker (workers/resources/), reached through RESOURCES.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import type { ResourcesApi } from "../../../workers/shared/resources/api";
import type { ResourceRef } from "../../../workers/shared/resources/index";
import {
	checkKey,
	checkList,
	checkPut,
	KV_LIMITS,
	type KvEntry,
	KvError,
	type KvListOptions,
	type KvPutOptions,
} from "../../../workers/shared/resources/kv";

export interface KvBindingProps {
	tenantId: string;
	name: string;
}

type ValueType = "text" | "json" | "arrayBuffer" | "stream";
type GetOptions = ValueType | { type?: ValueType; cacheTtl?: number } | undefined;

const typeOf = (options: GetOptions): ValueType => (typeof options === "string" ? options : (options?.type ?? "text"));

const decoder = new TextDecoder();

function decode(entry: KvEntry, type: ValueType): unknown {
	switch (type) {
		case "text":
			return decoder.decode(entry.value);
		case "json":
			return JSON.parse(decoder.decode(entry.value));
		case "arrayBuffer":
			return entry.value;
		case "stream":
			return new Response(entry.value).body;
	}
}

/** A put's value as bytes, as KV takes it: a string, a buffer or a view, or a stream (read up to the limit). */
async function bytesOf(value: unknown): Promise<ArrayBuffer> {
	if (typeof value === "string") return new TextEncoder().encode(value).buffer as ArrayBuffer;
	if (value instanceof ArrayBuffer) return value;
	if (ArrayBuffer.isView(value)) return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength) as ArrayBuffer;
	if (value instanceof ReadableStream) {
		const chunks: Uint8Array[] = [];
		let length = 0;
		for await (const chunk of value as ReadableStream<Uint8Array>) {
			length += chunk.byteLength;
			if (length > KV_LIMITS.valueBytes)
				throw new KvError(413, `Value length of ${length} exceeds limit of ${KV_LIMITS.valueBytes}.`, "PUT");
			chunks.push(chunk);
		}
		return (await new Blob(chunks).arrayBuffer()) as ArrayBuffer;
	}
	throw new TypeError("KV put() accepts only strings, ArrayBuffers, ArrayBufferViews, and ReadableStreams as values.");
}

/** A KvError as the tenant's code sees KV's own: an Error with KV's message (no platform detail). */
const asTenantError = (error: unknown): never => {
	if (error instanceof KvError) throw new Error(error.message);
	throw error;
};

export class FerryKV extends WorkerEntrypoint<DispatchEnv, KvBindingProps> {
	private get ref(): ResourceRef {
		return { tenantId: this.ctx.props.tenantId, type: "kv_namespace", name: this.ctx.props.name };
	}

	private get store(): ResourcesApi {
		if (!this.env.RESOURCES) throw new Error("KV is not available: the platform has no resources Worker");
		return this.env.RESOURCES as unknown as ResourcesApi;
	}

	async get(key: string | string[], options?: GetOptions): Promise<unknown> {
		return this.read(key, options, false).catch(asTenantError);
	}

	async getWithMetadata(key: string | string[], options?: GetOptions): Promise<unknown> {
		return this.read(key, options, true).catch(asTenantError);
	}

	private async read(key: string | string[], options: GetOptions, withMetadata: boolean): Promise<unknown> {
		const type = typeOf(options);
		const keys = Array.isArray(key) ? key : [key];
		if (Array.isArray(key)) {
			if (type !== "text" && type !== "json") throw new KvError(400, `"${type}" is not a valid type. Use "json" or "text"`, "GET");
			if (keys.length > 100) throw new KvError(400, "You can request a maximum of 100 keys", "GET");
			if (keys.length < 1) throw new KvError(400, "You must request a minimum of 1 key", "GET");
		}
		for (const k of keys) checkKey(String(k), "GET");
		const entries = await this.store.kvGet(this.ref, keys.map(String));
		const shaped = entries.map((entry) => {
			const value = entry ? decode(entry, type) : null;
			if (!withMetadata) return value;
			const metadata = entry?.metadata ? (JSON.parse(entry.metadata) as unknown) : null;
			return Array.isArray(key) ? (entry ? { value, metadata } : null) : { value, metadata, cacheStatus: null };
		});
		if (!Array.isArray(key)) return shaped[0];
		return new Map(keys.map((k, i) => [k, shaped[i]]));
	}

	async put(key: string, value: unknown, options: KvPutOptions = {}): Promise<void> {
		try {
			const bytes = await bytesOf(value);
			const stored = checkPut(String(key), bytes.byteLength, options ?? {}, Math.floor(Date.now() / 1000));
			await this.store.kvPut(this.ref, String(key), bytes, stored);
		} catch (error) {
			asTenantError(error);
		}
	}

	async delete(key: string): Promise<void> {
		try {
			checkKey(String(key), "DELETE");
			await this.store.kvDelete(this.ref, String(key));
		} catch (error) {
			asTenantError(error);
		}
	}

	async list(options: KvListOptions = {}): Promise<unknown> {
		try {
			const page = await this.store.kvList(this.ref, checkList(options ?? {}));
			return { ...page, cacheStatus: null };
		} catch (error) {
			return asTenantError(error);
		}
	}
}
