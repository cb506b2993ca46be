import { FerryError } from "../../../shared/http/errors";
import { sameSecret } from "../../../shared/ids";
import { factory } from "../env";
import { tenantForToken } from "./tokens";

function bearerToken(header: string | undefined): string {
	const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
	if (!match?.[1]) throw new FerryError("unauthorized", "missing bearer token: send 'Authorization: Bearer <token>'");
	return match[1];
}

/** Endpoints for tenants: the token decides which tenant every query is scoped to. */
export const requireTenant = factory.createMiddleware(async (c, next) => {
	const tenant = await tenantForToken(c.var.db, bearerToken(c.req.header("authorization")));
	if (!tenant) throw new FerryError("unauthorized", "invalid or revoked token");
	c.set("tenant", tenant);
	await next();
});

/** Endpoints for the operator, who holds FERRY_ADMIN_TOKEN. */
export const requireAdmin = factory.createMiddleware(async (c, next) => {
	const token = bearerToken(c.req.header("authorization"));
	const admin = c.env.FERRY_ADMIN_TOKEN;
	if (!admin) throw new FerryError("forbidden", "this installation has no FERRY_ADMIN_TOKEN configured");
	if (!(await sameSecret(token, admin))) throw new FerryError("forbidden", "this route needs the operator's admin token");
	await next();
});
