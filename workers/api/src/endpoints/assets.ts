/**
 * Static asset uploads (docs/assets.md), Cloudflare's assets-upload-session flow under /v1:
 *
 *   POST /v1/scripts/:name/assets-upload-session   tenant token; {manifest} → {jwt, buckets}
 *   POST /v1/assets/upload[?base64=true]            the session's upload token, not the tenant's;
 *                                                    one bucket → 202 {} or, after the last, 201 {jwt}
 *
 * HTTP only: the flow is ../assets/sessions.ts (/client/v4 speaks the same flow: ../client-v4/assets.ts).
 */
import { createSession, readUploadManifest, receiveBucket, sessionContext, sessionForUpload } from "../assets/sessions";
import { factory } from "../env";
import { checkScriptName } from "../validate";
import type { AssetUploadAnswer, AssetUploadSessionAnswer } from "../views";

/** Mounted under /v1/scripts, behind the tenant's token. */
export const assetSessionEndpoints = factory.createApp().post("/:name/assets-upload-session", async (c) => {
	const name = c.req.param("name");
	checkScriptName(name);
	const manifest = await readUploadManifest(c.req.raw);
	const answer: AssetUploadSessionAnswer = await createSession(sessionContext(c), c.var.tenant.id, name, manifest);
	return c.json(answer);
});

/** Mounted under /v1/assets: the upload token is the credential (as Cloudflare's `/workers/assets/upload`). */
export const assetUploadEndpoints = factory.createApp().post("/upload", async (c) => {
	const ctx = sessionContext(c);
	const session = await sessionForUpload(ctx, c.req.header("authorization"));
	const completion = await receiveBucket(ctx, session, c.req.raw, c.req.query("base64") === "true");
	const answer: AssetUploadAnswer = completion ? { jwt: completion } : {};
	return c.json(answer, completion ? 201 : 202);
});
