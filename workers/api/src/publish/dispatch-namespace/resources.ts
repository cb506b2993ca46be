/**
 * The tenant's resources as Cloudflare resources (production with the dispatch namespace,
 * docs/bindings.md and docs/deploy-to-cloudflare.md): a KV namespace of the platform's account per
 * tenant resource, created on the first upload that binds it and titled by the tenant and its name
 * (`ferry-<tenant id>-kv-<name>`), its id kept in D1 (`resources.production_id`) and bound in the
 * namespace script's metadata. The tenant never names a Cloudflare id: the id comes from D1 by the
 * tenant's own name, so no upload of one tenant can bind another's namespace.
 *
 * Creating is idempotent by title: a namespace created by an upload that stopped before its id was
 * stored is found by its title (Cloudflare refuses a second one with code 10014) and reused.
 *
 * An R2 bucket likewise: a bucket of the account per tenant bucket, named by r2BucketName (R2's
 * names are the id, lowercase and at most 63 characters, so the tenant's own name cannot be used
 * as it is), created on the first upload that binds it (a second create answers 10004, and the
 * name is known: it is reused), bound as `{type: "r2_bucket", name, bucket_name}`.
 *
 * A D1 database likewise: a database of the account per tenant database, named by the same rule as
 * a bucket (d1DatabaseName), created on the first upload that binds it (a second create answers
 * 7502; the database is then found by its name), its UUID kept in D1 and bound as
 * `{type: "d1", name, id}`.
 */
import type { ResourceBinding } from "../../../../shared/resources/index";
import type { BuiltDeployment, ProvisionedResource } from "../types";
import { type CloudflareApi, CloudflareApiError } from "./api";

/** `{type: "kv_namespace", name, namespace_id}`: a KV namespace of the account in the script's env. */
export type KvNamespaceBinding = { type: "kv_namespace"; name: string; namespace_id: string };

/** `{type: "r2_bucket", name, bucket_name}`: an R2 bucket of the account in the script's env. */
export type R2BucketBinding = { type: "r2_bucket"; name: string; bucket_name: string };

/** `{type: "d1", name, id}`: a D1 database of the account (its UUID) in the script's env. */
export type D1DatabaseBinding = { type: "d1"; name: string; id: string };

export type ResourceBindingMetadata = KvNamespaceBinding | R2BucketBinding | D1DatabaseBinding;

const DUPLICATE_TITLE = 10014;
/** "The bucket you tried to create already exists, and you own it." */
const BUCKET_EXISTS = 10004;
const PER_PAGE = 100;
/** "A database with that name already exists" (wrangler's words for it, workers-sdk#2143). */
const DATABASE_EXISTS = 7502;

export const kvNamespaceTitle = (tenantId: string, name: string) => `ferry-${tenantId}-kv-${name}`;

interface Namespace {
	id: string;
	title: string;
}

/** The namespace titled `title`, paging through the account's namespaces (100 a call). */
async function findByTitle(api: CloudflareApi, title: string): Promise<Namespace | undefined> {
	for (let page = 1; ; page++) {
		const namespaces = await api.call<Namespace[]>("GET", ["storage", "kv", "namespaces"], {
			query: { page: String(page), per_page: String(PER_PAGE) },
		});
		const found = namespaces.find((ns) => ns.title === title);
		if (found) return found;
		if (namespaces.length < PER_PAGE) return undefined;
	}
}

/**
 * R2's bucket names are 3-63 lowercase letters, digits and '-', starting and ending with a letter or
 * digit. `ferry-<the tenant's name, lowercased, other characters as '-', at most 24>-<24 hex of
 * SHA-256(tenant id / name)>`: readable in the account's bucket list, and the hash keeps two tenants'
 * (or `Assets` and `assets` of one tenant) apart. At most 55 characters.
 */
export async function r2BucketName(tenantId: string, name: string): Promise<string> {
	const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${tenantId}/${name}`)));
	const hex = [...digest.slice(0, 12)].map((b) => b.toString(16).padStart(2, "0")).join("");
	const readable = name
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, "-")
		.replace(/^-+|-+$/g, "")
		.slice(0, 24)
		.replace(/-+$/, "");
	return readable ? `ferry-${readable}-${hex}` : `ferry-${hex}`;
}

async function createR2Bucket(api: CloudflareApi, name: string): Promise<string> {
	try {
		return (await api.call<{ name: string }>("POST", ["r2", "buckets"], { body: { name } })).name;
	} catch (error) {
		if (error instanceof CloudflareApiError && error.errors.some((e) => e.code === BUCKET_EXISTS)) return name;
		throw error;
	}
}

/** A tenant database's name in the account: the bucket rule (lowercase, at most 55 characters, the hash keeps tenants apart). */
export const d1DatabaseName = (tenantId: string, name: string): Promise<string> => r2BucketName(tenantId, `d1/${name}`);

interface Database {
	uuid: string;
	name: string;
}

async function createD1Database(api: CloudflareApi, name: string): Promise<string> {
	try {
		return (await api.call<Database>("POST", ["d1", "database"], { body: { name } })).uuid;
	} catch (error) {
		if (!(error instanceof CloudflareApiError && error.errors.some((e) => e.code === DATABASE_EXISTS))) throw error;
		// Created by an upload that stopped before its id was stored: found by its name (the filter matches parts of names).
		const found = await api.call<Database[]>("GET", ["d1", "database"], { query: { name } });
		const existing = found.find((database) => database.name === name);
		if (!existing) throw error;
		return existing.uuid;
	}
}

async function createKvNamespace(api: CloudflareApi, title: string): Promise<string> {
	try {
		return (await api.call<Namespace>("POST", ["storage", "kv", "namespaces"], { body: { title } })).id;
	} catch (error) {
		if (!(error instanceof CloudflareApiError && error.errors.some((e) => e.code === DUPLICATE_TITLE))) throw error;
		const existing = await findByTitle(api, title);
		if (!existing) throw error;
		return existing.id;
	}
}

/**
 * The script's resource bindings, in Cloudflare's shape, creating (and recording) what is not
 * provisioned yet. Throws CloudflareApiError as the API answered.
 */
export async function resourceBindings(api: CloudflareApi, deployment: BuiltDeployment): Promise<ResourceBindingMetadata[]> {
	const bound = deployment.manifest.resources ?? [];
	if (bound.length === 0) return [];
	const resources = deployment.resources;
	if (!resources) throw new Error(`deployment ${deployment.manifest.deploymentId} binds resources the pipeline did not provision`);
	const ids = new Map<string, string>();
	const key = (r: Pick<ResourceBinding, "type" | "name">) => `${r.type}/${r.name}`;
	for (const resource of resources.provisioned) if (resource.productionId) ids.set(key(resource), resource.productionId);
	for (const resource of resources.provisioned) {
		if (ids.has(key(resource)) || !bound.some((b) => key(b) === key(resource))) continue;
		const { tenantId } = deployment.manifest;
		const id =
			resource.type === "r2_bucket"
				? await createR2Bucket(api, await r2BucketName(tenantId, resource.name))
				: resource.type === "d1"
					? await createD1Database(api, await d1DatabaseName(tenantId, resource.name))
					: await createKvNamespace(api, kvNamespaceTitle(tenantId, resource.name));
		await resources.record(resource satisfies ProvisionedResource, id);
		ids.set(key(resource), id);
	}
	return bound.map((binding) => {
		const id = ids.get(key(binding));
		if (!id) throw new Error(`resource ${key(binding)} of deployment ${deployment.manifest.deploymentId} was not provisioned`);
		if (binding.type === "r2_bucket") return { type: "r2_bucket", name: binding.binding, bucket_name: id };
		if (binding.type === "d1") return { type: "d1", name: binding.binding, id };
		return { type: "kv_namespace", name: binding.binding, namespace_id: id };
	});
}
