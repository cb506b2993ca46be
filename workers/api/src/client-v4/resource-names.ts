/**
 * The tenant's resources as /client/v4 answers them. A resource's Cloudflare id (a KV namespace's
 * `id`, a D1 database's `uuid`, an R2 bucket's `name`) is its name in the tenant's own space: what
 * wrangler's deploy creates and sends back as `namespace_id`, `id` or `bucket_name` then names the
 * same resource as /v1's uploads do (deploy/upload.ts), and no id reaches another tenant's (its
 * answer is a missing one's). Creating one is provisioning it as a deploy that binds it would
 * (resources/store.ts); its data lives where every other binding's does (docs/bindings.md).
 */
import type { Database } from "../../../shared/db";
import type { ResourceRow } from "../../../shared/db/schema";
import { FerryError } from "../../../shared/http/errors";
import { RESOURCE_NAME } from "../../../shared/names";
import type { ResourceType } from "../../../shared/resources/index";
import { provisionResources, resourcesOf } from "../resources/store";
import type { CloudflareError } from "./envelope";

/** The tenant's resources of one type, in name order. */
export async function resourcesOfType(db: Database, tenantId: string, type: ResourceType): Promise<ResourceRow[]> {
	return (await resourcesOf(db, tenantId)).filter((row) => row.type === type);
}

/** The tenant's resource by the id or name a request gives, or undefined (another tenant's included). */
export async function resourceNamed(db: Database, tenantId: string, type: ResourceType, name: string): Promise<ResourceRow | undefined> {
	return (await resourcesOfType(db, tenantId, type)).find((row) => row.name === name);
}

/**
 * Provisions a new resource named `name` for the tenant; one it holds already is `exists`, Cloudflare's
 * answer for a name the account holds. A name must be one a binding can give (1-64 letters, digits,
 * '_' or '-'), since that is all it is.
 */
export async function createResource(
	db: Database,
	tenantId: string,
	type: ResourceType,
	name: unknown,
	what: string,
	exists: CloudflareError,
): Promise<ResourceRow> {
	if (typeof name !== "string" || !RESOURCE_NAME.test(name))
		throw new FerryError(
			"invalid_request",
			`a ${what} is named in your own space: 1-64 letters, digits, '_' or '-' (${JSON.stringify(name ?? null)} is not such a name)`,
		);
	if (await resourceNamed(db, tenantId, type, name)) throw exists;
	const [row] = await provisionResources(db, tenantId, [{ binding: name, type, name }]);
	if (!row) throw new Error(`a ${type} row was not created`);
	return row;
}
