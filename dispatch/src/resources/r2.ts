/**
 * A tenant Worker's R2 bucket binding (`env.BUCKET`) when the runtime is Worker Loader: a loopback
 * entrypoint of the dispatcher whose props name the tenant and the bucket, handed to the tenant's
 * isolate in its env as FerryKV is (./kv.ts). The isolate's R2 module (workers/shared/runtime/r2-module.ts)
 * wraps it in R2's JavaScript API; this side is the boundary: it checks every key and option
 * itself (tenant code may call it directly) and passes them to the resources Worker under the
 * props' tenant and bucket, never a name the call gives. Bodies cross as ReadableStreams.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import type { ResourcesApi } from "../../../workers/shared/resources/api";
import type { ResourceRef } from "../../../workers/shared/resources/index";
import {
	checkR2Key,
	R2_LIMITS,
	R2CallError,
	type R2GetResult,
	type R2GetWire,
	type R2ListResult,
	type R2ListWire,
	type R2ObjectInfo,
	type R2PutWire,
	type R2Value,
} from "../../../workers/shared/resources/r2";

export interface R2BindingProps {
	tenantId: string;
	name: string;
}

const object = (value: unknown): Record<string, unknown> =>
	typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};

function listOptions(options: unknown): R2ListWire {
	const given = object(options);
	const limit = given.limit === undefined ? undefined : Number(given.limit);
	if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > R2_LIMITS.listKeys))
		throw new R2CallError("list", "MaxKeys params must be positive integer <= 1000.", 10022);
	const text = (name: string) => (given[name] === undefined || given[name] === null ? undefined : String(given[name]));
	const include = Array.isArray(given.include)
		? given.include.filter((v): v is "httpMetadata" | "customMetadata" => v === "httpMetadata" || v === "customMetadata")
		: undefined;
	const wire: R2ListWire = {};
	for (const name of ["prefix", "delimiter", "cursor", "startAfter"] as const) {
		const value = text(name);
		if (value !== undefined) wire[name] = name === "prefix" || name === "startAfter" ? checkR2Key(value, "list") : value;
	}
	if (limit !== undefined) wire.limit = limit;
	if (include) wire.include = include;
	return wire;
}

function customMetadataOf(value: unknown): Record<string, string> | undefined {
	if (value === undefined || value === null) return undefined;
	const entries = Object.entries(object(value)).map(([k, v]) => [k, String(v)] as const);
	const size = entries.reduce((sum, [k, v]) => sum + new TextEncoder().encode(k + v).byteLength, 0);
	if (size > R2_LIMITS.customMetadataBytes)
		throw new R2CallError("put", "Your metadata headers exceed the maximum allowed metadata size.", 10012);
	return Object.fromEntries(entries);
}

export class FerryR2 extends WorkerEntrypoint<DispatchEnv, R2BindingProps> {
	private get ref(): ResourceRef {
		return { tenantId: this.ctx.props.tenantId, type: "r2_bucket", name: this.ctx.props.name };
	}

	private get store(): ResourcesApi {
		if (!this.env.RESOURCES) throw new Error("R2 is not available: the platform has no resources Worker");
		return this.env.RESOURCES as unknown as ResourcesApi;
	}

	async head(key: unknown): Promise<R2ObjectInfo | null> {
		return this.store.r2Head(this.ref, checkR2Key(key, "head"));
	}

	async get(key: unknown, options?: R2GetWire): Promise<R2GetResult> {
		const given = object(options);
		return this.store.r2Get(this.ref, checkR2Key(key, "get"), {
			...(given.onlyIf !== undefined ? { onlyIf: given.onlyIf as R2GetWire["onlyIf"] } : {}),
			...(given.range !== undefined ? { range: given.range as R2GetWire["range"] } : {}),
		});
	}

	async put(key: unknown, value: R2Value, options?: R2PutWire): Promise<R2ObjectInfo | null> {
		const name = checkR2Key(key, "put");
		const given = object(options) as R2PutWire;
		if (typeof value !== "string" && value !== null && !(value instanceof ArrayBuffer) && !(value instanceof ReadableStream))
			throw new TypeError("put() accepts only nulls, strings, Blobs, ArrayBuffers, ArrayBufferViews, and ReadableStreams as values.");
		if (value instanceof ArrayBuffer && value.byteLength > R2_LIMITS.objectBytes)
			throw new R2CallError("put", "Your proposed upload exceeds the maximum allowed object size.", 100100);
		const customMetadata = customMetadataOf(given.customMetadata);
		const wire: R2PutWire = {};
		for (const field of ["onlyIf", "httpMetadata", "md5", "sha1", "sha256", "sha384", "sha512", "storageClass"] as const)
			if (given[field] !== undefined) Object.assign(wire, { [field]: given[field] });
		if (customMetadata) wire.customMetadata = customMetadata;
		return this.store.r2Put(this.ref, name, value, wire);
	}

	async list(options?: R2ListWire): Promise<R2ListResult> {
		return this.store.r2List(this.ref, listOptions(options));
	}

	async delete(keys: unknown): Promise<void> {
		const list = (Array.isArray(keys) ? keys : [keys]).map((key) => checkR2Key(key, "delete"));
		if (list.length > R2_LIMITS.deleteKeys)
			throw new R2CallError("delete", `You can delete at most ${R2_LIMITS.deleteKeys} keys at once.`, 10029);
		await this.store.r2Delete(this.ref, list);
	}
}
