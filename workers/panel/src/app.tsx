/**
 * The panel: dash.<PLATFORM_DOMAIN>, pages rendered on the server with Hono JSX. Every request gets
 * the security headers (a strict CSP: scripts only with this response's nonce, styles and everything
 * else only from the panel itself, no framing, forms only to itself); every POST must come from the
 * panel's own origin (hono's csrf: Origin or Sec-Fetch-Site) and carry its form token. Pages past
 * sign-in need a session (./session/); what they show and change is the API's, as the signed-in user.
 */
import type { Context } from "hono";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import { NONCE, secureHeaders } from "hono/secure-headers";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ApiError, NetworkError } from "../../shared/api-client/errors.ts";
import { openDatabase } from "../../shared/db";
import { FerryError } from "../../shared/http/errors";
import { requestIdOf } from "../../shared/http/request-id";
import { log } from "../../shared/log";
import { type AppEnv, factory } from "./env";
import { readForm } from "./forms";
import { ErrorPage } from "./pages/error";
import { render } from "./pages/render";
import { authRoutes } from "./routes/auth";
import { planRoutes } from "./routes/plans";
import { scriptRoutes } from "./routes/scripts";
import { secretRoutes } from "./routes/secrets";
import { scriptTelemetryRoutes, usageRoutes } from "./routes/telemetry";
import { tenantRoutes } from "./routes/tenants";
import { tokenRoutes } from "./routes/tokens";
import { requireOperator, requireSession, requireTenant, signInAgain } from "./session/middleware";
import { endSession } from "./session/store";
import { faviconRoute, staticRoutes } from "./static/routes";

export const app = factory
	.createApp()
	.use(
		secureHeaders({
			contentSecurityPolicy: {
				defaultSrc: ["'none'"],
				scriptSrc: [NONCE],
				styleSrc: ["'self'"],
				imgSrc: ["'self'"],
				connectSrc: ["'self'"],
				formAction: ["'self'"],
				frameAncestors: ["'none'"],
				baseUri: ["'none'"],
			},
		}),
	)
	.use(csrf())
	.use(async (c, next) => {
		c.set("db", openDatabase(c.env.DB));
		await next();
	})
	.use(readForm)
	.route("/static", staticRoutes)
	.route("/", faviconRoute)
	.route("/", authRoutes)
	.use("*", requireSession)
	.get("/", (c) => c.redirect(c.var.session.kind === "operator" ? "/tenants" : "/scripts", 303))
	.use("/scripts/*", requireTenant)
	.use("/scripts", requireTenant)
	.route("/scripts", scriptTelemetryRoutes)
	.route("/scripts", secretRoutes)
	.route("/scripts", scriptRoutes)
	.route("/usage", usageRoutes)
	.use("/tokens/*", requireTenant)
	.use("/tokens", requireTenant)
	.route("/tokens", tokenRoutes)
	.use("/tenants/*", requireOperator)
	.use("/tenants", requireOperator)
	.route("/tenants", tenantRoutes)
	.use("/plans/*", requireOperator)
	.use("/plans", requireOperator)
	.route("/plans", planRoutes);

app.notFound((c) => errorPage(c, 404, "There is no such page."));

app.onError((error, c) => {
	if (error instanceof FerryError) return errorPage(c, error.status, error.message);
	// hono's csrf refusing a form posted from another origin.
	if (error instanceof HTTPException && error.status === 403)
		return errorPage(c, 403, "This form was sent from another site: the panel takes forms from its own pages only.");
	if (error instanceof ApiError) return apiErrorPage(c, error);
	const requestId = requestIdOf(c.req.raw);
	if (error instanceof NetworkError) {
		log.error("the panel could not reach the API", { requestId, error });
		return errorPage(c, 502, `The API did not answer; the panel logged it as ${requestId}.`);
	}
	log.error("unhandled panel error", { requestId, method: c.req.method, path: new URL(c.req.url).pathname, error });
	return errorPage(c, 500, `Something went wrong; the panel logged it as ${requestId}.`);
});

function errorPage(c: Context<AppEnv>, status: ContentfulStatusCode, message: string): Response {
	return render(c, <ErrorPage status={status} message={message} session={c.var.session} />, status);
}

/** What the API refused, as a page: its message (escaped like everything), its status; a token it no longer takes ends the session. */
async function apiErrorPage(c: Context<AppEnv>, error: ApiError): Promise<Response> {
	if (error.code === "unauthorized" && c.var.session) {
		await endSession(c.var.db, c.var.session.id);
		return signInAgain(c, "expired");
	}
	if (error.status >= 500) {
		log.error("the API failed a panel request", { requestId: requestIdOf(c.req.raw), error });
		return errorPage(c, 502, error.apiMessage);
	}
	return errorPage(c, error.status as ContentfulStatusCode, error.apiMessage);
}
