/**
 * Operator endpoints for one tenant's runtime settings: its plan (which limits its requests run with)
 * and its egress allow-list (which hosts its code may reach). Both are read by the request path
 * through per-isolate caches: limits within a minute, allow-lists within 30 s.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { type Database, runBatch } from "../../../shared/db";
import { egressAllowList, plans, tenants } from "../../../shared/db/schema";
import { allowListEntryProblem } from "../../../shared/egress/policy";
import { notFound } from "../../../shared/http/errors";
import { PLAN_NAME } from "../../../shared/names";
import { requireAdmin } from "../auth/middleware";
import { liftStops } from "../budgets";
import { factory } from "../env";
import { validate } from "../validate";
import { tenantView } from "../views";
import { defaultLimitsView, planView } from "./plans";

/** More than a tenant should need; a longer list is a sign it wants a proxy, not an allow-list. */
export const MAX_ALLOW_LIST = 100;

const tenantId = z.object({ id: z.string().min(1) });

const planBody = z.strictObject({ plan: z.string().regex(PLAN_NAME, "a plan name is 1-32 characters of a-z, 0-9 and '-'") });

const host = z
	.string()
	.transform((entry) => entry.trim().replace(/\.$/, ""))
	.superRefine((entry, ctx) => {
		const problem = allowListEntryProblem(entry);
		if (problem) ctx.addIssue({ code: "custom", message: `'${entry}' ${problem}` });
	});

const egressBody = z.strictObject({
	hosts: z
		.array(host)
		.max(MAX_ALLOW_LIST)
		.transform((hosts) => [...new Set(hosts)].sort()),
});

async function findTenant(db: Database, id: string) {
	const [tenant] = await db.select().from(tenants).where(eq(tenants.id, id)).limit(1);
	if (!tenant) throw notFound(`tenant '${id}'`);
	return tenant;
}

async function limitsView(db: Database, plan: string) {
	const [row] = await db.select().from(plans).where(eq(plans.name, plan)).limit(1);
	return row ? { ...planView(row), source: "plan" as const } : { name: plan, ...defaultLimitsView(), source: "default" as const };
}

async function hostsOf(db: Database, id: string): Promise<string[]> {
	const rows = await db.select({ host: egressAllowList.host }).from(egressAllowList).where(eq(egressAllowList.tenantId, id));
	return rows.map((r) => r.host).sort();
}

export const tenantSettingsEndpoints = factory
	.createApp()
	.use("/:id/*", requireAdmin)
	.use("/:id", requireAdmin)
	.get("/:id", validate("param", tenantId), async (c) => {
		const db = c.var.db;
		const tenant = await findTenant(db, c.req.valid("param").id);
		const [limits, hosts] = await Promise.all([limitsView(db, tenant.plan), hostsOf(db, tenant.id)]);
		return c.json({
			tenant: tenantView(tenant),
			limits,
			egress: { hosts },
		});
	})
	.put("/:id/plan", validate("param", tenantId), validate("json", planBody), async (c) => {
		const db = c.var.db;
		const tenant = await findTenant(db, c.req.valid("param").id);
		const { plan } = c.req.valid("json");
		await db.update(tenants).set({ plan }).where(eq(tenants.id, tenant.id));
		// Moved to another plan: a budget stop of the old one goes (docs/limits.md, "Budgets").
		await liftStops(c.env, db, { tenantId: tenant.id });
		return c.json({ tenant: { id: tenant.id, name: tenant.name, plan }, limits: await limitsView(db, plan) });
	})
	.get("/:id/egress", validate("param", tenantId), async (c) => {
		const tenant = await findTenant(c.var.db, c.req.valid("param").id);
		return c.json({ egress: { hosts: await hostsOf(c.var.db, tenant.id) } });
	})
	.put("/:id/egress", validate("param", tenantId), validate("json", egressBody), async (c) => {
		const db = c.var.db;
		const tenant = await findTenant(db, c.req.valid("param").id);
		const { hosts } = c.req.valid("json");
		const now = Date.now();
		// Replaces the whole list in one transaction: the gate never sees half of it.
		await runBatch(db, [
			db.delete(egressAllowList).where(eq(egressAllowList.tenantId, tenant.id)),
			...hosts.map((h) => db.insert(egressAllowList).values({ tenantId: tenant.id, host: h, createdAt: now })),
		]);
		return c.json({ egress: { hosts } });
	});
