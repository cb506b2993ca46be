/**
 * What `wrangler whoami` and account discovery ask: the token (verify), the user (Ferry has none: a
 * token is a tenant's, so Cloudflare's "not authorized for users" 9109, which wrangler reads as "no
 * email"), the accounts and the memberships (the one tenant).
 */
import { eq } from "drizzle-orm";
import { tenants } from "../../../shared/db/schema";
import { iso } from "../../../shared/time";
import { factory, type TenantContext } from "../env";
import { CloudflareError, ok, onePage } from "./envelope";

async function accountOf(c: { var: { db: import("../../../shared/db").Database; tenant: TenantContext } }) {
	const { id, name } = c.var.tenant;
	const [row] = await c.var.db.select({ createdAt: tenants.createdAt }).from(tenants).where(eq(tenants.id, id));
	return { id, name, type: "standard", settings: { enforce_twofactor: false }, created_on: iso(row?.createdAt ?? 0) };
}

export const userEndpoints = factory
	.createApp()
	.get("/user/tokens/verify", (c) => ok(c, { id: c.var.tenant.tokenId, status: "active" }))
	.get("/user", () => {
		throw new CloudflareError(
			403,
			9109,
			"Unauthorized to access requested resource: a Ferry token belongs to a tenant (an account), not a user",
		);
	})
	.get("/accounts", async (c) => onePage(c, [await accountOf(c)]))
	.get("/memberships", async (c) => {
		const account = await accountOf(c);
		return onePage(c, [
			{
				id: c.var.tenant.tokenId,
				account: { id: account.id, name: account.name },
				status: "accepted",
				roles: ["Administrator"],
			},
		]);
	});

/** Under /accounts/:account_id (already checked to be the tenant's). */
export const accountEndpoints = factory.createApp().get("/", async (c) => ok(c, await accountOf(c)));
