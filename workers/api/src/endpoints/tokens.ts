import { and, asc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { apiTokens } from "../../../shared/db/schema";
import { notFound } from "../../../shared/http/errors";
import { iso } from "../../../shared/time";
import { prepareToken } from "../auth/tokens";
import { factory } from "../env";
import { validate } from "../validate";
import { tokenView } from "../views";

export const tokenEndpoints = factory
	.createApp()
	.post("/", validate("json", z.strictObject({ name: z.string().min(1).max(100).default("token") })), async (c) => {
		const { insert, issued } = await prepareToken(c.var.db, c.var.tenant.id, c.req.valid("json").name, Date.now());
		await insert;
		return c.json({ token: issued }, 201);
	})
	.get("/", async (c) => {
		const rows = await c.var.db.select().from(apiTokens).where(eq(apiTokens.tenantId, c.var.tenant.id)).orderBy(asc(apiTokens.createdAt));
		return c.json({ tokens: rows.map((t) => tokenView(t, c.var.tenant.tokenId)) });
	})
	.delete("/:id", async (c) => {
		const id = c.req.param("id");
		const [revoked] = await c.var.db
			.update(apiTokens)
			.set({ revokedAt: Date.now() })
			.where(and(eq(apiTokens.id, id), eq(apiTokens.tenantId, c.var.tenant.id), isNull(apiTokens.revokedAt)))
			.returning();
		if (!revoked) throw notFound(`token '${id}'`);
		return c.json({ token: { id: revoked.id, name: revoked.name, revoked_at: iso(revoked.revokedAt) } });
	});
