/**
 * `/v1/usage?month=YYYY-MM`: what a tenant's scripts used in a month (requests, CPU and wall time),
 * per script and in total, from their telemetry objects, and how close each tenant is to its plan's
 * monthly budgets (docs/api.md, "Usage"; ../usage.ts). With a tenant's token the tenant's own; with
 * the operator's admin token every tenant's.
 */
import { asc } from "drizzle-orm";
import { z } from "zod";
import { tenants } from "../../../shared/db/schema";
import { sameSecret } from "../../../shared/ids";
import { monthOf } from "../../../shared/telemetry/metrics";
import { requireTenant } from "../auth/middleware";
import { factory, type TenantContext } from "../env";
import { sumUsage, usageOf } from "../usage";
import { validate } from "../validate";
import type { AllUsageAnswer, UsageAnswer } from "../views";

const usageQuery = z.strictObject({
	month: z
		.string()
		.regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month is YYYY-MM")
		.optional(),
});

const isAdmin = async (header: string | undefined, admin: string | undefined) => {
	const token = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
	return Boolean(token && admin && (await sameSecret(token, admin)));
};

export const usageEndpoints = factory.createApp().get(
	"/",
	async (c, next) => {
		// The operator's token sees every tenant; any other is a tenant's (or refused).
		if (await isAdmin(c.req.header("authorization"), c.env.FERRY_ADMIN_TOKEN)) return next();
		return requireTenant(c, next);
	},
	validate("query", usageQuery),
	async (c) => {
		const month = c.req.valid("query").month ?? monthOf(Date.now());
		const db = c.var.db;
		// Unset when the admin token was given (the middleware above).
		const tenant = c.get("tenant") as TenantContext | undefined;
		if (tenant) {
			const [usage] = await usageOf(c.env, db, month, [{ id: tenant.id, name: tenant.name, plan: tenant.plan }], [tenant.id]);
			return c.json({ month, ...usage! } satisfies UsageAnswer);
		}
		const all = await db.select({ id: tenants.id, name: tenants.name, plan: tenants.plan }).from(tenants).orderBy(asc(tenants.name));
		const usage = await usageOf(c.env, db, month, all);
		return c.json({ month, tenants: usage, totals: sumUsage(usage.map((line) => line.totals)) } satisfies AllUsageAnswer);
	},
);
