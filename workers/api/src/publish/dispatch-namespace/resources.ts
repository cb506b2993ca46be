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
 */
import type { ResourceBinding } from "../../../../shared/resources/index";
import type { BuiltDeployment, ProvisionedResource } from "../types";
import { type CloudflareApi, CloudflareApiError } from "./api";

/** `{type: "kv_namespace", name, namespace_id}`: a KV namespace of the account in the script's env. */
export type KvNamespaceBinding = { type: "kv_namespace"; name: string; namespace_id: string };

const DUPLICATE_TITLE = 10014;
const PER_PAGE = 100;

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
export async function resourceBindings(api: CloudflareApi, deployment: BuiltDeployment): Promise<KvNamespaceBinding[]> {
	const bound = deployment.manifest.resources ?? [];
	if (bound.length === 0) return [];
	const resources = deployment.resources;
	if (!resources) throw new Error(`deployment ${deployment.manifest.deploymentId} binds resources the pipeline did not provision`);
	const ids = new Map<string, string>();
	const key = (r: Pick<ResourceBinding, "type" | "name">) => `${r.type}/${r.name}`;
	for (const resource of resources.provisioned) if (resource.productionId) ids.set(key(resource), resource.productionId);
	for (const resource of resources.provisioned) {
		if (ids.has(key(resource)) || !bound.some((b) => key(b) === key(resource))) continue;
		const id = await createKvNamespace(api, kvNamespaceTitle(deployment.manifest.tenantId, resource.name));
		await resources.record(resource satisfies ProvisionedResource, id);
		ids.set(key(resource), id);
	}
	return bound.map((binding) => {
		const id = ids.get(key(binding));
		if (!id) throw new Error(`resource ${key(binding)} of deployment ${deployment.manifest.deploymentId} was not provisioned`);
		return { type: "kv_namespace", name: binding.binding, namespace_id: id };
	});
}
