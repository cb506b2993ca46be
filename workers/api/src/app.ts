/** The control-plane API: everything under /v1, JSON in and out, one error shape; Cloudflare's API subset under /client/v4 (./client-v4/). */
import { openDatabase } from "../../shared/db";
import { FerryError } from "../../shared/http/errors";
import { requireTenant } from "./auth/middleware";
import { clientV4 } from "./client-v4";
import { assetSessionEndpoints, assetUploadEndpoints } from "./endpoints/assets";
import { deploymentEndpoints } from "./endpoints/deployments";
import { eventEndpoints } from "./endpoints/events";
import { logEndpoints } from "./endpoints/logs";
import { metricsEndpoints, tenantMetricsEndpoints } from "./endpoints/metrics";
import { planEndpoints } from "./endpoints/plans";
import { d1Endpoints, kvEndpoints, r2Endpoints, resourceEndpoints } from "./endpoints/resources";
import { scheduleEndpoints } from "./endpoints/schedules";
import { scriptEndpoints } from "./endpoints/scripts";
import { secretEndpoints } from "./endpoints/secrets";
import { tenantSettingsEndpoints } from "./endpoints/tenant-settings";
import { tenantEndpoints, whoamiEndpoints } from "./endpoints/tenants";
import { tokenEndpoints } from "./endpoints/tokens";
import { usageEndpoints } from "./endpoints/usage";
import { factory } from "./env";
import { clientError } from "./errors";

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
	.use("/v1/events", requireTenant)
	.use("/v1/metrics", requireTenant)
	.use("/v1/resources", requireTenant)
	.use("/v1/resources/*", requireTenant)
	.use("/v1/kv/*", requireTenant)
	.use("/v1/r2/*", requireTenant)
	.use("/v1/d1/*", requireTenant)
	.route("/v1/whoami", whoamiEndpoints)
	.route("/v1/tokens", tokenEndpoints)
	.route("/v1/scripts", assetSessionEndpoints)
	.route("/v1/scripts", scriptEndpoints)
	.route("/v1/scripts", logEndpoints)
	.route("/v1/scripts", scheduleEndpoints)
	.route("/v1/scripts", metricsEndpoints)
	.route("/v1/metrics", tenantMetricsEndpoints)
	.route("/v1/usage", usageEndpoints)
	.route("/v1/scripts", secretEndpoints)
	.route("/v1/events", eventEndpoints)
	.route("/v1/assets", assetUploadEndpoints)
	.route("/v1/deployments", deploymentEndpoints)
	.route("/v1/resources", resourceEndpoints)
	.route("/v1/kv", kvEndpoints)
	.route("/v1/r2", r2Endpoints)
	.route("/v1/d1", d1Endpoints)
	.route("/client/v4", clientV4);

app.notFound((c) => new FerryError("not_found", `no route for ${c.req.method} ${new URL(c.req.url).pathname}`).toResponse());

app.onError((error, c) => clientError(error, c.req.raw).toResponse());
