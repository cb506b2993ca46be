/** The control-plane API: everything under /v1, JSON in and out, one error shape. */
import { HTTPException } from "hono/http-exception";
import { openDatabase } from "../../shared/db";
import { FerryError } from "../../shared/http/errors";
import { log } from "../../shared/log";
import { requireTenant } from "./auth/middleware";
import { factory } from "./env";
import { deploymentRoutes } from "./routes/deployments";
import { planRoutes } from "./routes/plans";
import { scriptRoutes } from "./routes/scripts";
import { tenantSettingsRoutes } from "./routes/tenant-settings";
import { tenantRoutes, whoamiRoutes } from "./routes/tenants";
import { tokenRoutes } from "./routes/tokens";

export const app = factory
	.createApp()
	.use(async (c, next) => {
		c.set("db", openDatabase(c.env.DB));
		await next();
	})
	.get("/", (c) => c.json({ name: "ferry", api: "/v1" }))
	.route("/v1/tenants", tenantRoutes)
	.route("/v1/tenants", tenantSettingsRoutes)
	.route("/v1/plans", planRoutes)
	.use("/v1/whoami", requireTenant)
	.use("/v1/tokens/*", requireTenant)
	.use("/v1/scripts/*", requireTenant)
	.use("/v1/deployments/*", requireTenant)
	.route("/v1/whoami", whoamiRoutes)
	.route("/v1/tokens", tokenRoutes)
	.route("/v1/scripts", scriptRoutes)
	.route("/v1/deployments", deploymentRoutes);

app.notFound((c) => new FerryError("not_found", `no route for ${c.req.method} ${new URL(c.req.url).pathname}`).toResponse());

app.onError((error, c) => {
	if (error instanceof FerryError) return error.toResponse();
	// Hono raises these for requests it cannot read (e.g. a malformed JSON body).
	if (error instanceof HTTPException && error.status < 500)
		return new FerryError("invalid_request", error.message || "the request could not be read").toResponse();
	const requestId = c.req.header("cf-ray") ?? crypto.randomUUID();
	log.error("unhandled API error", { requestId, method: c.req.method, path: c.req.path, error });
	return new FerryError("internal_error", `internal error; the platform logged it as ${requestId}`).toResponse();
});
