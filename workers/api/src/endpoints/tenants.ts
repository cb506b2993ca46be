import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { tenants } from "../../../shared/db/schema";
import { FerryError } from "../../../shared/http/errors";
import { newId } from "../../../shared/ids";
import { DNS_LABEL, PLAN_NAME } from "../../../shared/names";
import { requireAdmin } from "../auth/middleware";
import { prepareToken } from "../auth/tokens";
import { factory } from "../env";
import { validate } from "../validate";
import { tenantView } from "../views";

const createTenant = z.strictObject({
	name: z.string().regex(DNS_LABEL, "a tenant name is 1-63 characters of a-z, 0-9 and '-'"),
	plan: z.string().regex(PLAN_NAME).default("free"),
});

export const tenantEndpoints = factory
	.createApp()
	.get("/", requireAdmin, async (c) => {
		const rows = await c.var.db.select().from(tenants).orderBy(asc(tenants.name));
		return c.json({ tenants: rows.map(tenantView) });
	})
	.post("/", requireAdmin, validate("json", createTenant), async (c) => {
		const { name, plan } = c.req.valid("json");
		const db = c.var.db;
		const id = newId();
		const now = Date.now();
		const { insert, issued } = await prepareToken(db, id, "default", now);
		const [created] = await db.insert(tenants).values({ id, name, plan, createdAt: now }).onConflictDoNothing().returning();
		if (!created) throw new FerryError("conflict", `a tenant named '${name}' already exists`);
		await insert;
		return c.json({ tenant: tenantView(created), token: issued }, 201);
	});

export const whoamiEndpoints = factory.createApp().get("/", async (c) => {
	const { id, name, plan, tokenId } = c.var.tenant;
	const [row] = await c.var.db.select({ createdAt: tenants.createdAt }).from(tenants).where(eq(tenants.id, id));
	return c.json({ tenant: tenantView({ id, name, plan, createdAt: row!.createdAt }), token: { id: tokenId } });
});
