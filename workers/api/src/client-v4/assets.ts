/**
 * The static-assets upload of `wrangler deploy` (Cloudflare's assets-upload-session flow), on the same
 * session code as /v1's (../assets/sessions.ts, docs/assets.md): the session is started with the
 * tenant's token; each bucket is uploaded with the session's own token, which is then the only
 * credential, as on Cloudflare; the completion token goes into the script upload's `assets.jwt`.
 */
import { createSession, readUploadManifest, receiveBucket, sessionContext, sessionForUpload } from "../assets/sessions";
import { factory } from "../env";
import { checkScriptName } from "../validate";
import { CloudflareError, ok } from "./envelope";

/** Under /accounts/:account_id/workers, behind the tenant's token. */
export const assetSessionEndpoints = factory.createApp().post("/scripts/:name/assets-upload-session", async (c) => {
	const name = c.req.param("name");
	checkScriptName(name);
	const manifest = await readUploadManifest(c.req.raw);
	return ok(c, await createSession(sessionContext(c), c.var.tenant.id, name, manifest));
});

/**
 * `POST /accounts/:account_id/workers/assets/upload?base64=true`, bearer the upload token (mounted
 * before the tenant-token check). The account must be the session's tenant: any other answers as an
 * account the token cannot reach.
 */
export const assetUploadEndpoints = factory.createApp().post("/accounts/:account_id/workers/assets/upload", async (c) => {
	const ctx = sessionContext(c);
	const session = await sessionForUpload(ctx, c.req.header("authorization"));
	if (session.tenantId !== c.req.param("account_id"))
		throw new CloudflareError(
			403,
			10000,
			"Authentication error: this upload token cannot reach that account (the account id is the tenant id)",
		);
	const completion = await receiveBucket(ctx, session, c.req.raw, c.req.query("base64") === "true");
	return completion ? ok(c, { jwt: completion }, undefined, 201) : ok(c, {}, undefined, 202);
});
