/**
 * The tenants' resources in D1 (`resources`, docs/bindings.md): provisioned on the first deploy that
 * binds them, listed, found by the tenant's own name, deleted. Every read is scoped to the tenant:
 * another tenant's resource answers exactly like a missing one.
 */
import { and, asc, eq } from "drizzle-orm";
import type { Database } from "../../../shared/db";
import { type ResourceRow, resources } from "../../../shared/db/schema";
import { notFound } from "../../../shared/http/errors";
import type { ResourceBinding, ResourceType } from "../../../shared/resources/index";

/** The resources a deployment binds, created for the tenant where they are new; existing ones (and their data) are kept. */
export async function provisionResources(
	db: Database,
	tenantId: string,
	bindings: readonly ResourceBinding[],
	now = Date.now(),
): Promise<ResourceRow[]> {
	if (bindings.length === 0) return [];
	await db
		.insert(resources)
		.values(bindings.map((b) => ({ tenantId, type: b.type, name: b.name, productionId: null, createdAt: now })))
		.onConflictDoNothing();
	const rows = await resourcesOf(db, tenantId);
	return rows.filter((row) => bindings.some((b) => b.type === row.type && b.name === row.name));
}

/** Records the Cloudflare id the production publisher created a resource under. */
export async function setProductionId(
	db: Database,
	row: Pick<ResourceRow, "tenantId" | "type" | "name">,
	productionId: string,
): Promise<void> {
	await db
		.update(resources)
		.set({ productionId })
		.where(and(eq(resources.tenantId, row.tenantId), eq(resources.type, row.type), eq(resources.name, row.name)));
}

export function resourcesOf(db: Database, tenantId: string): Promise<ResourceRow[]> {
	return db.select().from(resources).where(eq(resources.tenantId, tenantId)).orderBy(asc(resources.type), asc(resources.name));
}

const WORDS: Record<ResourceType, string> = { kv_namespace: "KV namespace", r2_bucket: "R2 bucket", d1: "D1 database" };

/** The tenant's resource by its own name; another tenant's is "not found", exactly like a missing one. */
export async function findResource(db: Database, tenantId: string, type: ResourceType, name: string): Promise<ResourceRow> {
	const [row] = await db
		.select()
		.from(resources)
		.where(and(eq(resources.tenantId, tenantId), eq(resources.type, type), eq(resources.name, name)))
		.limit(1);
	if (!row) throw notFound(`${WORDS[type]} '${name}'`);
	return row;
}

export async function deleteResourceRow(db: Database, row: Pick<ResourceRow, "tenantId" | "type" | "name">): Promise<void> {
	await db.delete(resources).where(and(eq(resources.tenantId, row.tenantId), eq(resources.type, row.type), eq(resources.name, row.name)));
}
