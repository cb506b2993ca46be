/**
 * Who is signed in. Every page but the sign-in page needs a session: the `__Host-` cookie's secret
 * (workers/shared/http/cookies.ts) must open a live row (./store.ts); otherwise the browser is sent
 * to sign in and the cookie is dropped. A posted form must carry the session's CSRF token.
 */
import type { Context } from "hono";
import { expiredPlatformCookie, platformCookie, readPlatformCookie } from "../../../shared/http/cookies";
import { FerryError } from "../../../shared/http/errors";
import { sameSecret } from "../../../shared/ids";
import { apiAs } from "../api";
import { type AppEnv, factory } from "../env";
import { findSession, SESSION_TTL_MS } from "./store";

/** The session cookie (`__Host-ferry_session`). */
export const SESSION_COOKIE = "ferry_session";

/** The Set-Cookie of a new session: HttpOnly, Secure, Path=/, SameSite=Lax, no Domain (the `__Host-` rules). */
export const sessionCookie = (secret: string) => platformCookie(SESSION_COOKIE, secret, { maxAge: SESSION_TTL_MS / 1000 });

/** To the sign-in page, dropping whatever session cookie came. */
export function signInAgain(c: Context<AppEnv>, reason?: "expired"): Response {
	const headers = new Headers({ location: reason ? `/sign-in?${reason}` : "/sign-in" });
	if (readPlatformCookie(c, SESSION_COOKIE) !== undefined) headers.append("set-cookie", expiredPlatformCookie(SESSION_COOKIE));
	return new Response(null, { status: 303, headers });
}

export const requireSession = factory.createMiddleware(async (c, next) => {
	const secret = readPlatformCookie(c, SESSION_COOKIE);
	const session = secret === undefined ? undefined : await findSession(c.var.db, secret);
	if (!session) return signInAgain(c, secret === undefined ? undefined : "expired");
	if (c.var.form && !(await sameSecret(c.var.form.csrf ?? "", session.csrf)))
		throw new FerryError("forbidden", "this form did not come from this session of the panel: reload the page and send it again");
	c.set("session", { id: session.id, kind: session.kind, who: session.who, csrf: session.csrf, expiresAt: session.expiresAt });
	c.set("api", apiAs(c.env, c.req.url, session.token));
	await next();
});

/** Pages only the operator's session may open; a tenant's gets the same 404 as a page that does not exist. */
export const requireOperator = factory.createMiddleware(async (c, next) => {
	if (c.var.session.kind !== "operator") throw new FerryError("not_found", "no such page");
	await next();
});

/** Pages of a tenant's session (the operator has no scripts). */
export const requireTenant = factory.createMiddleware(async (c, next) => {
	if (c.var.session.kind !== "tenant") throw new FerryError("not_found", "no such page");
	await next();
});
