/**
 * Who a /client/v4 call is: the bearer token is a Ferry tenant token, the account id the tenant's id.
 * Cloudflare's answers for the failures: no credentials 400 (9106), a token Ferry does not know 401
 * (10000), and an account the token cannot reach 403 (10000), the same for another tenant's account
 * as for one that does not exist.
 */
import { tenantForToken } from "../auth/tokens";
import { factory } from "../env";
import { CloudflareError } from "./envelope";

export const requireToken = factory.createMiddleware(async (c, next) => {
	const header = c.req.header("authorization");
	const token = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
	if (!token) throw new CloudflareError(400, 9106, "Missing Authorization header: send 'Authorization: Bearer <Ferry API token>'");
	const tenant = await tenantForToken(c.var.db, token);
	if (!tenant) throw new CloudflareError(401, 10000, "Authentication error: the API token is invalid or revoked");
	c.set("tenant", tenant);
	await next();
});

/** For `/accounts/:account_id/…`: the account must be the token's tenant. */
export const requireAccount = factory.createMiddleware(async (c, next) => {
	if (c.req.param("account_id") !== c.var.tenant.id)
		throw new CloudflareError(
			403,
			10000,
			"Authentication error: this API token cannot reach that account (the account id is the tenant id)",
		);
	await next();
});
