/**
 * `/v1/usage?month=YYYY-MM`: what a tenant's scripts used in a month (requests, CPU and wall time),
 * per script and in total, from their telemetry objects (docs/api.md, "Usage"). With a tenant's token
 * the tenant's own; with the operator's admin token every tenant's.
 */
import { and, asc, eq, gte, isNull, lt, or } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../../shared/db";
import { scripts, tenants } from "../../../shared/db/schema";
import { sameSecret } from "../../../shared/ids";
import { telemetryOf } from "../../../shared/telemetry/api";
import { monthOf, type ScriptUsage } from "../../../shared/telemetry/metrics";
import { requireTenant } from "../auth/middleware";
import { factory, type TenantContext } from "../env";
import { validate } from "../validate";
import type { AllUsageAnswer, TenantUsageView as TenantUsage, UsageAnswer } from "../views";

const usageQuery = z.strictObject({
	month: z
		.string()
		.regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month is YYYY-MM")
		.optional(),
});

const monthRange = (month: string) => {
	const start = Date.parse(`${month}-01T00:00:00Z`);
	const end = new Date(start);
	end.setUTCMonth(end.getUTCMonth() + 1);
	return { start, end: end.getTime() };
};

/** The scripts that existed at some time in the month: created before its end, not deleted before its start. */
function scriptsOfMonth(db: Database, month: string, tenantId?: string) {
	const { start, end } = monthRange(month);
	const existed = and(lt(scripts.createdAt, end), or(isNull(scripts.deletedAt), gte(scripts.deletedAt, start)));
	return db
		.select({ id: scripts.id, tenantId: scripts.tenantId, name: scripts.name, deletedAt: scripts.deletedAt })
		.from(scripts)
		.where(tenantId ? and(existed, eq(scripts.tenantId, tenantId)) : existed)
		.orderBy(asc(scripts.name));
}

const sum = (lines: ScriptUsage[]): ScriptUsage =>
	lines.reduce(
		(total, line) => ({
			requests: total.requests + line.requests,
			cpu_ms: total.cpu_ms + line.cpu_ms,
			wall_ms: total.wall_ms + line.wall_ms,
		}),
		{
			requests: 0,
			cpu_ms: 0,
			wall_ms: 0,
		},
	);

async function usageOf(
	env: ApiEnv,
	db: Database,
	month: string,
	tenantList: TenantUsage["tenant"][],
	tenantId?: string,
): Promise<TenantUsage[]> {
	const rows = await scriptsOfMonth(db, month, tenantId);
	const used =
		rows.length > 0
			? await telemetryOf(env.TELEMETRY).usage(
					rows.map((row) => row.id),
					month,
				)
			: {};
	return tenantList.map((tenant) => {
		const lines = rows
			.filter((row) => row.tenantId === tenant.id)
			.map((row) => ({
				script: row.name,
				deleted_at: row.deletedAt === null ? null : new Date(row.deletedAt).toISOString(),
				...(used[row.id] ?? { requests: 0, cpu_ms: 0, wall_ms: 0 }),
			}));
		return { tenant, scripts: lines, totals: sum(lines) };
	});
}

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
			const [usage] = await usageOf(c.env, db, month, [{ id: tenant.id, name: tenant.name, plan: tenant.plan }], tenant.id);
			return c.json({ month, ...usage! } satisfies UsageAnswer);
		}
		const all = await db.select({ id: tenants.id, name: tenants.name, plan: tenants.plan }).from(tenants).orderBy(asc(tenants.name));
		const usage = await usageOf(c.env, db, month, all);
		return c.json({ month, tenants: usage, totals: sum(usage.map((line) => line.totals)) } satisfies AllUsageAnswer);
	},
);
