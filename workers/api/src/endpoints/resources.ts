/**
 * The tenant's resources (docs/bindings.md, docs/api.md "Resources"): `GET /v1/resources` lists
 * what its deployments bound, `DELETE /v1/resources/:type/:name` deletes one with its data, and
 * `/v1/kv/:namespace/…` reads and writes a KV namespace's keys (what `ferry kv key` calls). Every
 * route finds the resource for the token's tenant first: another tenant's answers 404 like a missing
 * one, and the store is reached with the tenant id of the token, never one the request names.
 */
import { z } from "zod";
import { FerryError } from "../../../shared/http/errors";
import type { ResourcesApi } from "../../../shared/resources/api";
import { RESOURCE_TYPES, type ResourceRef, resourceNameSchema } from "../../../shared/resources/index";
import { checkKey, checkList, checkPut, KV_LIMITS, KvError } from "../../../shared/resources/kv";
import { iso } from "../../../shared/time";
import { factory } from "../env";
import { deleteResourceRow, findResource, resourcesOf } from "../resources/store";
import { validate } from "../validate";
import type { KvKeysAnswer, ResourceView } from "../views";

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
		return c.json({ resources: views });
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

async function namespaceRef(
	c: { var: { db: Parameters<typeof findResource>[0]; tenant: { id: string } } },
	name: string,
): Promise<ResourceRef> {
	const row = await findResource(c.var.db, c.var.tenant.id, "kv_namespace", name);
	return { tenantId: row.tenantId, type: "kv_namespace", name: row.name };
}

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
