/**
 * The tenant's resources (docs/bindings.md, docs/api.md "Resources"): `GET /v1/resources` lists
 * what its deployments bound, `DELETE /v1/resources/:type/:name` deletes one with its data, and
 * its scripts' Durable Object classes (read from their live deployments' manifests),
 * `/v1/kv/:namespace/…` reads and writes a KV namespace's keys (what `ferry kv key` calls),
 * `/v1/r2/:bucket/objects/:key` an R2 bucket's objects (what `ferry r2 object` calls). Every
 * route finds the resource for the token's tenant first: another tenant's answers 404 like a missing
 * one, and the store is reached with the tenant id of the token, never one the request names.
 */
import { z } from "zod";
import { ArtifactStore } from "../../../shared/artifacts";
import { formatBytes } from "../../../shared/format";
import { BodyTooLargeError, readLimited } from "../../../shared/http/body";
import { FerryError } from "../../../shared/http/errors";
import type { ResourcesApi } from "../../../shared/resources/api";
import { checkBatch, D1Error, type D1Query, type D1Value, d1Result, d1Value } from "../../../shared/resources/d1";
import { RESOURCE_TYPES, type ResourceRef, resourceNameSchema } from "../../../shared/resources/index";
import { checkKey, checkList, checkPut, KV_LIMITS, KvError } from "../../../shared/resources/kv";
import { R2_LIMITS } from "../../../shared/resources/r2";
import { sqlStatements } from "../../../shared/resources/sql-statements";
import { iso } from "../../../shared/time";
import { scriptsOf } from "../deploy/queries";
import { factory } from "../env";
import { deleteResourceRow, findResource, resourcesOf } from "../resources/store";
import { validate } from "../validate";
import type { D1QueryAnswer, KvKeysAnswer, ObjectClassView, ResourcesAnswer, ResourceView } from "../views";

/** The resources Worker (locally, in the control process); none with the dispatch namespace, whose KV is Cloudflare's own. */
const resourcesWorker = (env: ApiEnv): ResourcesApi | undefined =>
	(env as { RESOURCES?: Fetcher }).RESOURCES as unknown as ResourcesApi | undefined;

function store(env: ApiEnv): ResourcesApi {
	const binding = resourcesWorker(env);
	if (!binding)
		throw new FerryError("platform_unavailable", "this installation keeps tenants' resources in Cloudflare: manage their data there");
	return binding;
}

/** KV's own refusal (a key too long, a value over 25 MiB) as an API error with KV's message. */
function kvFailure(error: unknown): never {
	if (error instanceof KvError) throw new FerryError(error.status === 413 ? "payload_too_large" : "invalid_request", error.detail);
	throw error;
}

/** Manifests read at once while listing a tenant's Durable Object classes. */
const MANIFEST_READS = 8;

/** Each live script's Durable Object classes, by script then class; one manifest read (R2) per live script. */
async function objectClassesOf(env: ApiEnv, db: Parameters<typeof scriptsOf>[0], tenantId: string): Promise<ObjectClassView[]> {
	const live = (await scriptsOf(db, tenantId)).filter((s): s is typeof s & { liveId: string } => s.liveId !== null);
	const artifacts = new ArtifactStore(env.ARTIFACTS);
	const perScript: ObjectClassView[][] = [];
	for (let i = 0; i < live.length; i += MANIFEST_READS) {
		const batch = live.slice(i, i + MANIFEST_READS);
		perScript.push(
			...(await Promise.all(
				batch.map(async ({ name, liveId }) => {
					const objects = (await artifacts.getManifest(liveId)).durableObjects;
					return (objects?.classes ?? []).map((c) => ({
						script: name,
						class_name: c.name,
						bindings: objects!.bindings.filter((b) => b.className === c.name).map((b) => b.binding),
						sqlite: c.sqlite,
						objects: null,
					}));
				}),
			)),
		);
	}
	return perScript.flat();
}

const namespaceParam = z.object({ namespace: resourceNameSchema });
const keyParams = z.object({ namespace: resourceNameSchema, key: z.string() });

export const resourceEndpoints = factory
	.createApp()
	.get("/", async (c) => {
		const rows = await resourcesOf(c.var.db, c.var.tenant.id);
		const resources = resourcesWorker(c.env);
		const views: ResourceView[] = await Promise.all(
			rows.map(async (row) => {
				// Sizes where they are cheap: the resources Worker counts them; Cloudflare's KV has no such call.
				const usage = resources
					? await resources.usage({ tenantId: row.tenantId, type: row.type, name: row.name }).catch(() => null)
					: null;
				return { type: row.type, name: row.name, created_at: iso(row.createdAt), keys: usage?.keys ?? null, bytes: usage?.bytes ?? null };
			}),
		);
		return c.json({ resources: views, durable_objects: await objectClassesOf(c.env, c.var.db, c.var.tenant.id) } satisfies ResourcesAnswer);
	})
	.delete("/:type/:name", validate("param", z.object({ type: z.enum(RESOURCE_TYPES), name: resourceNameSchema })), async (c) => {
		const { type, name } = c.req.valid("param");
		const row = await findResource(c.var.db, c.var.tenant.id, type, name);
		// The data first: a failure leaves the row, so the delete can be repeated.
		await store(c.env).destroy({ tenantId: row.tenantId, type, name });
		await deleteResourceRow(c.var.db, row);
		return c.json({ deleted: { type, name } });
	});

const listQuery = z.strictObject({
	prefix: z.string().optional(),
	cursor: z.string().optional(),
	limit: z.coerce.number().int().min(1).max(KV_LIMITS.listKeys).default(KV_LIMITS.listKeys),
});

const putQuery = z.strictObject({
	expiration: z.coerce.number().int().optional(),
	expiration_ttl: z.coerce.number().int().optional(),
	metadata: z
		.string()
		.transform((value, ctx) => {
			try {
				return JSON.parse(value) as unknown;
			} catch {
				ctx.addIssue({ code: "custom", message: "metadata is a JSON value" });
				return z.NEVER;
			}
		})
		.optional(),
});

type TenantContext = { var: { db: Parameters<typeof findResource>[0]; tenant: { id: string } } };

async function resourceRef(c: TenantContext, type: ResourceRef["type"], name: string): Promise<ResourceRef> {
	const row = await findResource(c.var.db, c.var.tenant.id, type, name);
	return { tenantId: row.tenantId, type, name: row.name };
}

const namespaceRef = (c: TenantContext, name: string) => resourceRef(c, "kv_namespace", name);

export const kvEndpoints = factory
	.createApp()
	.get("/:namespace/keys", validate("param", namespaceParam), validate("query", listQuery), async (c) => {
		const ref = await namespaceRef(c, c.req.valid("param").namespace);
		const query = c.req.valid("query");
		const page: KvKeysAnswer = await store(c.env).kvList(ref, checkList(query)).catch(kvFailure);
		return c.json(page);
	})
	.get("/:namespace/values/:key", validate("param", keyParams), async (c) => {
		const { namespace, key } = c.req.valid("param");
		const ref = await namespaceRef(c, namespace);
		try {
			checkKey(key, "GET");
		} catch (error) {
			kvFailure(error);
		}
		const [entry] = await store(c.env).kvGet(ref, [key]);
		if (!entry) throw new FerryError("not_found", `key '${key}' not found in KV namespace '${namespace}'`);
		const headers = new Headers({ "content-type": "application/octet-stream" });
		if (entry.metadata !== null) headers.set("x-ferry-kv-metadata", entry.metadata);
		if (entry.expiration !== null) headers.set("x-ferry-kv-expiration", String(entry.expiration));
		return new Response(entry.value, { headers });
	})
	.put("/:namespace/values/:key", validate("param", keyParams), validate("query", putQuery), async (c) => {
		const { namespace, key } = c.req.valid("param");
		const ref = await namespaceRef(c, namespace);
		const query = c.req.valid("query");
		const declared = Number(c.req.header("content-length") ?? 0);
		if (declared > KV_LIMITS.valueBytes)
			kvFailure(new KvError(413, `Value length of ${declared} exceeds limit of ${KV_LIMITS.valueBytes}.`, "PUT"));
		const value = await c.req.arrayBuffer();
		let stored: ReturnType<typeof checkPut>;
		try {
			stored = checkPut(
				key,
				value.byteLength,
				{ expiration: query.expiration, expirationTtl: query.expiration_ttl, metadata: query.metadata },
				Math.floor(Date.now() / 1000),
			);
		} catch (error) {
			kvFailure(error);
		}
		await store(c.env).kvPut(ref, key, value, stored);
		return c.json({ key, bytes: value.byteLength });
	})
	.delete("/:namespace/values/:key", validate("param", keyParams), async (c) => {
		const { namespace, key } = c.req.valid("param");
		const ref = await namespaceRef(c, namespace);
		try {
			checkKey(key, "DELETE");
		} catch (error) {
			kvFailure(error);
		}
		await store(c.env).kvDelete(ref, key);
		return c.json({ deleted: key });
	});

const objectParams = z.object({
	bucket: resourceNameSchema,
	key: z
		.string()
		.min(1)
		.refine((key) => new TextEncoder().encode(key).byteLength <= R2_LIMITS.keyBytes, {
			message: `an object key is at most ${R2_LIMITS.keyBytes} bytes of UTF-8`,
		}),
});

/** The HTTP metadata a put may set, from the request's own headers (what `ferry r2 object put --content-type …` sends). */
const HTTP_METADATA = {
	contentType: "content-type",
	contentLanguage: "content-language",
	contentDisposition: "content-disposition",
	contentEncoding: "content-encoding",
	cacheControl: "cache-control",
} as const;

const objectNotFound = (key: string, bucket: string) => new FerryError("not_found", `object '${key}' not found in R2 bucket '${bucket}'`);

export const r2Endpoints = factory
	.createApp()
	.get("/:bucket/objects/:key", validate("param", objectParams), async (c) => {
		const { bucket, key } = c.req.valid("param");
		const ref = await resourceRef(c, "r2_bucket", bucket);
		const object = await store(c.env).r2Get(ref, key, {});
		if (!object?.body) throw objectNotFound(key, bucket);
		const headers = new Headers({ etag: object.httpEtag, "content-length": String(object.size) });
		for (const [field, header] of Object.entries(HTTP_METADATA)) {
			const value = object.httpMetadata[field as keyof typeof HTTP_METADATA];
			if (value !== undefined) headers.set(header, value);
		}
		if (!headers.has("content-type")) headers.set("content-type", "application/octet-stream");
		return new Response(object.body, { headers });
	})
	.put("/:bucket/objects/:key", validate("param", objectParams), async (c) => {
		const { bucket, key } = c.req.valid("param");
		const ref = await resourceRef(c, "r2_bucket", bucket);
		const httpMetadata: R2HTTPMetadata = {};
		for (const [field, header] of Object.entries(HTTP_METADATA)) {
			const value = c.req.header(header);
			if (value !== undefined) httpMetadata[field as keyof typeof HTTP_METADATA] = value;
		}
		let bytes: Uint8Array;
		try {
			bytes = await readLimited(c.req.raw, R2_LIMITS.objectBytes);
		} catch (error) {
			if (error instanceof BodyTooLargeError)
				throw new FerryError("payload_too_large", `an object is at most ${formatBytes(R2_LIMITS.objectBytes)} here`);
			throw error;
		}
		// An RPC call's arguments are at most 32 MiB: a larger object crosses as a stream.
		const value = bytes.byteLength > 1024 * 1024 ? new Blob([bytes]).stream() : (bytes.slice().buffer as ArrayBuffer);
		const stored = await store(c.env).r2Put(ref, key, value, { httpMetadata });
		return c.json({ key, size: stored?.size ?? 0, etag: stored?.etag ?? null });
	})
	.delete("/:bucket/objects/:key", validate("param", objectParams), async (c) => {
		const { bucket, key } = c.req.valid("param");
		const ref = await resourceRef(c, "r2_bucket", bucket);
		await store(c.env).r2Delete(ref, [key]);
		return c.json({ deleted: key });
	});

const databaseParam = z.object({ database: resourceNameSchema });

/** The SQL's statements as queries, within D1's limits; values bind only a single statement. */
function d1Statements(sql: string, params: D1Value[]): D1Query[] {
	const statements = sqlStatements(sql);
	if (statements.length > 1 && params.length > 0)
		throw new FerryError(
			"invalid_request",
			`params bind a single statement; this SQL has ${statements.length} statements (send them one by one)`,
		);
	return checkBatch(statements.map((statement) => ({ sql: statement, params })));
}
/**
 * The SQL's statements run on the tenant's database, one D1 result each (what /v1's query endpoint
 * and /client/v4's, wrangler's `d1 execute --remote`, answer); bad SQL is `invalid_request` with D1's message.
 */
export async function queryDatabase(
	env: ApiEnv,
	ref: ResourceRef,
	sql: string,
	params: (number | string | null | boolean)[],
): Promise<D1QueryAnswer["results"]> {
	let answer: Awaited<ReturnType<ResourcesApi["d1Query"]>>;
	try {
		answer = await store(env).d1Query(ref, d1Statements(sql, params.map(d1Value)));
	} catch (error) {
		if (error instanceof D1Error) throw new FerryError("invalid_request", error.message);
		throw error;
	}
	if (!answer.ok) throw new FerryError("invalid_request", `D1_ERROR: ${answer.error}`);
	return answer.results.map(d1Result);
}

export const queryBody = z.strictObject({
	sql: z.string().min(1, "sql is the SQL to run"),
	params: z.array(z.union([z.number(), z.string(), z.null(), z.boolean()])).default([]),
});

/**
 * `POST /v1/d1/:database/query` (what `ferry d1 execute` calls): the SQL's statements, as SQLite
 * ends them (sqlStatements), run in order in one transaction and answered as D1's results, one per
 * statement, as D1's query API answers; bad SQL is a 400 with D1's message and keeps nothing.
 * `params` bind a single statement.
 */
export const d1Endpoints = factory
	.createApp()
	.post("/:database/query", validate("param", databaseParam), validate("json", queryBody), async (c) => {
		const ref = await resourceRef(c, "d1", c.req.valid("param").database);
		const body = c.req.valid("json");
		const result: D1QueryAnswer = { results: await queryDatabase(c.env, ref, body.sql, body.params) };
		return c.json(result);
	});
