/**
 * Signing in and out. The sign-in form carries a one-time value that is also in its own short-lived
 * `__Host-` cookie (no session exists yet to derive a CSRF token from); a token the API takes as a
 * tenant's (`GET /v1/whoami`) opens a tenant's session, one it takes as the admin token
 * (`GET /v1/plans`) the operator's. The token goes into the session row sealed (../session/) and
 * never to the browser. Signing out deletes the row.
 */
import type { Context } from "hono";
import { z } from "zod";
import { ApiError } from "../../../shared/api-client/errors.ts";
import { expiredPlatformCookie, platformCookie, readPlatformCookie } from "../../../shared/http/cookies";
import { FerryError } from "../../../shared/http/errors";
import { sameSecret } from "../../../shared/ids";
import { apiAs } from "../api";
import { type AppEnv, factory } from "../env";
import { fields } from "../forms";
import { render } from "../pages/render";
import { SignInPage } from "../pages/sign-in";
import { requireSession, SESSION_COOKIE, sessionCookie } from "../session/middleware";
import { newSecret, SECRET_PATTERN } from "../session/secret";
import { createSession, endSession, type NewSession } from "../session/store";

/** The sign-in form's cookie (`__Host-ferry_sign_in`): minutes, Strict. */
const SIGN_IN_COOKIE = "ferry_sign_in";
const SIGN_IN_FORM_SECONDS = 15 * 60;

const signInForm = z.object({ csrf: z.string(), token: z.string().trim().min(1, "give an API token").max(512) });

const NOTICES: Record<string, string> = {
	expired: "Your session ended: sign in again.",
	"signed-out": "Signed out.",
};

/** Who a token signs in as, by asking the API; undefined when it takes the token neither way. */
async function identify(env: PanelEnv, url: string, token: string): Promise<NewSession | undefined> {
	const api = apiAs(env, url, token);
	try {
		const { tenant } = await api.whoami();
		return { kind: "tenant", tenant: { id: tenant.id, name: tenant.name }, token };
	} catch (error) {
		if (!(error instanceof ApiError && error.code === "unauthorized")) throw error;
	}
	try {
		await api.listPlans();
		return { kind: "operator", token };
	} catch (error) {
		if (error instanceof ApiError && (error.code === "forbidden" || error.code === "unauthorized")) return undefined;
		throw error;
	}
}

function signInPage(c: Context<AppEnv>, options: { problem?: string; notice?: string } = {}, status: 200 | 401 = 200) {
	// The value a form already has stays, so that two sign-in pages (two tabs) both work.
	const kept = readPlatformCookie(c, SIGN_IN_COOKIE);
	const csrf = kept && SECRET_PATTERN.test(kept) ? kept : newSecret();
	c.header("set-cookie", platformCookie(SIGN_IN_COOKIE, csrf, { maxAge: SIGN_IN_FORM_SECONDS, sameSite: "Strict" }), { append: true });
	return render(c, <SignInPage csrf={csrf} problem={options.problem} notice={options.notice} />, status);
}

export const authRoutes = factory
	.createApp()
	.get("/sign-in", (c) => {
		const notice = Object.keys(c.req.queries())
			.map((key) => NOTICES[key])
			.find(Boolean);
		return signInPage(c, notice ? { notice } : {});
	})
	.post("/sign-in", async (c) => {
		const { csrf, token } = fields(c, signInForm);
		const expected = readPlatformCookie(c, SIGN_IN_COOKIE);
		if (!expected || !(await sameSecret(csrf, expected)))
			throw new FerryError("forbidden", "this sign-in form has expired or did not come from this panel: reload the page and sign in again");
		const who = await identify(c.env, c.req.url, token);
		if (!who) return signInPage(c, { problem: "That token is not valid: it may have been revoked, or mistyped." }, 401);
		const { secret } = await createSession(c.var.db, who);
		c.header("set-cookie", expiredPlatformCookie(SIGN_IN_COOKIE), { append: true });
		c.header("set-cookie", sessionCookie(secret), { append: true });
		return c.redirect("/", 303);
	})
	.post("/sign-out", requireSession, async (c) => {
		await endSession(c.var.db, c.var.session.id);
		c.header("set-cookie", expiredPlatformCookie(SESSION_COOKIE), { append: true });
		return c.redirect("/sign-in?signed-out", 303);
	});
