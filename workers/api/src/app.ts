/** The control-plane API: everything under /v1, JSON in and out, one error shape. */
import { HTTPException } from "hono/http-exception";
import { openDatabase } from "../../shared/db";
import { FerryError } from "../../shared/http/errors";
import { log } from "../../shared/log";
import { requireTenant } from "./auth/middleware";
import { deploymentEndpoints } from "./endpoints/deployments";
import { planEndpoints } from "./endpoints/plans";
import { scriptEndpoints } from "./endpoints/scripts";
import { tenantSettingsEndpoints } from "./endpoints/tenant-settings";
import { tenantEndpoints, whoamiEndpoints } from "./endpoints/tenants";
import { tokenEndpoints } from "./endpoints/tokens";
import { factory } from "./env";

export const app = factory
	.createApp()
	.use(async (c, next) => {
		c.set("db", openDatabase(c.env.DB));
		await next();
	})
	.get("/", (c) => c.json({ name: "ferry", api: "/v1" }))
	.route("/v1/tenants", tenantEndpoints)
	.route("/v1/tenants", tenantSettingsEndpoints)
	.route("/v1/plans", planEndpoints)
	.use("/v1/whoami", requireTenant)
	.use("/v1/tokens/*", requireTenant)
	.use("/v1/scripts/*", requireTenant)
	.use("/v1/deployments/*", requireTenant)
	.route("/v1/whoami", whoamiEndpoints)
	.route("/v1/tokens", tokenEndpoints)
	.route("/v1/scripts", scriptEndpoints)
	.route("/v1/deployments", deploymentEndpoints);

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
