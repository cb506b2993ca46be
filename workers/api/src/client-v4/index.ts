/**
 * `/client/v4`: the subset of Cloudflare's REST API that wrangler and the `cloudflare` SDK use, in
 * Cloudflare's envelope (./envelope.ts), on the same store and pipeline as /v1 (docs/wrangler.md).
 * The token is a tenant token, the account id the tenant's id (./auth.ts). Anything else answers
 * Cloudflare's error shape saying Ferry does not implement it, never a bare 404.
 */
import { factory } from "../env";
import { accountEndpoints, userEndpoints } from "./accounts";
import { assetSessionEndpoints, assetUploadEndpoints } from "./assets";
import { requireAccount, requireToken } from "./auth";
import { d1Endpoints } from "./d1";
import { deploymentEndpoints } from "./deployments";
import { cloudflareError, notImplemented } from "./envelope";
import { r2Endpoints } from "./r2";
import { scheduleEndpoints } from "./schedules";
import { scriptEndpoints } from "./scripts";
import { secretEndpoints } from "./secrets";
import { storageEndpoints } from "./storage";
import { tailEndpoints, tailSocketEndpoints } from "./tails";
import { versionEndpoints } from "./versions";

export const clientV4 = factory
	.createApp()
	// A bucket upload's credential is its session's token, not the tenant's: before the token check.
	.route("/", assetUploadEndpoints)
	// wrangler opens a tail's WebSocket without its API token: the tail id is the credential.
	.route("/", tailSocketEndpoints)
	.use(requireToken)
	.use("/accounts/:account_id", requireAccount)
	.use("/accounts/:account_id/*", requireAccount)
	.route("/", userEndpoints)
	.route("/accounts/:account_id", accountEndpoints)
	.route("/accounts/:account_id/workers", scriptEndpoints)
	.route("/accounts/:account_id/workers", assetSessionEndpoints)
	.route("/accounts/:account_id/workers/scripts/:name/versions", versionEndpoints)
	.route("/accounts/:account_id/workers/scripts/:name/deployments", deploymentEndpoints)
	.route("/accounts/:account_id/workers/scripts/:name/schedules", scheduleEndpoints)
	.route("/accounts/:account_id/workers/scripts", secretEndpoints)
	.route("/accounts/:account_id/workers/scripts", tailEndpoints)
	.route("/accounts/:account_id/storage", storageEndpoints)
	.route("/accounts/:account_id/d1", d1Endpoints)
	.route("/accounts/:account_id/r2", r2Endpoints)
	.all("*", (c) => {
		throw notImplemented(c.req.method, new URL(c.req.url).pathname);
	});

clientV4.onError((error, c) => cloudflareError(error, c.req.raw).toResponse());
