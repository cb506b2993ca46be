/**
 * Tenants' resources (infrastructure from code, docs/bindings.md): what a deployment's bindings name
 * and how the platform reaches them. A resource is named inside its tenant's space by the name the
 * tenant's config gave (a KV namespace's `id`, else its binding; a D1 database's
 * `database_name`, else its binding); the tenant id comes from the
 * platform (the deployment's manifest, the caller's token), never from tenant code, so no name a
 * tenant can write reaches another tenant's data.
 */
import { z } from "zod";
import { RESOURCE_NAME } from "../names";

export { RESOURCE_NAME };

/** The resource types Ferry provisions, by the word the API and the CLI use. */
export const RESOURCE_TYPES = ["kv_namespace", "r2_bucket", "d1"] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export const resourceNameSchema = z
	.string()
	.regex(RESOURCE_NAME, "a resource name is 1-64 letters, digits, '_' or '-' (a name in your own space, not a Cloudflare id)");

/** One binding of a deployment to one of its tenant's resources, as its manifest records it. */
export const resourceBindingSchema = z.object({
	/** The env name the tenant's code reads. */
	binding: z.string(),
	type: z.enum(RESOURCE_TYPES),
	name: z.string().regex(RESOURCE_NAME),
});
export type ResourceBinding = z.infer<typeof resourceBindingSchema>;

/**
 * A deployment's service binding: another script of the same tenant (its live deployment, whatever
 * that is when the caller's isolate starts), its default export or a named WorkerEntrypoint.
 */
export const serviceBindingSchema = z.object({
	binding: z.string(),
	script: z.string(),
	entrypoint: z.string().nullable(),
});
export type ServiceBinding = z.infer<typeof serviceBindingSchema>;

/** Which resource a call is about: set by the platform (a binding's props, the API's auth), never by tenant code. */
export interface ResourceRef {
	tenantId: string;
	type: ResourceType;
	name: string;
}

/**
 * The key of a resource's store (one Durable Object each): the tenant id first, so two tenants'
 * equal names are two stores. Tenant ids and resource names cannot hold "/".
 */
export const resourceKey = (ref: ResourceRef) => `${ref.tenantId}/${ref.type}/${ref.name}`;
