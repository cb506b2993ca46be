/**
 * An upload session's tokens (Cloudflare's assets-upload-session JWTs): HS256 JWTs that name the
 * tenant, the script and the session, expiring after LIMITS.assetTokenTtlSeconds.
 *
 * - `upload`: authenticates the bucket uploads of that session (it is the only credential they carry);
 * - `complete`: proves the session's files are all held; a deploy's `assets.jwt` carries it.
 *
 * Signed with a key derived from FERRY_ADMIN_TOKEN (HMAC-SHA256 over a fixed label), so an
 * installation needs no second secret: rotating the admin token invalidates open sessions, which
 * live an hour anyway. The label keeps these signatures apart from any other use of the token.
 */
import { sign, verify } from "hono/jwt";
import { FerryError } from "../../../shared/http/errors";
import { LIMITS } from "../../../shared/limits";

export type AssetTokenUse = "upload" | "complete";

export interface AssetTokenClaims {
	tenantId: string;
	scriptName: string;
	sessionId: string;
	use: AssetTokenUse;
}

const KEY_LABEL = "ferry/assets-upload-session/v1";
const keys = new Map<string, Promise<string>>();

/** The signing key for this admin token, derived once per isolate. */
function signingKey(adminToken: string | undefined): Promise<string> {
	if (!adminToken) throw new Error("FERRY_ADMIN_TOKEN is not set: asset upload tokens cannot be signed");
	let key = keys.get(adminToken);
	if (!key) {
		key = (async () => {
			const hmac = await crypto.subtle.importKey("raw", new TextEncoder().encode(adminToken), { name: "HMAC", hash: "SHA-256" }, false, [
				"sign",
			]);
			const mac = await crypto.subtle.sign("HMAC", hmac, new TextEncoder().encode(KEY_LABEL));
			return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
		})();
		keys.set(adminToken, key);
	}
	return key;
}

export async function signAssetToken(adminToken: string | undefined, claims: AssetTokenClaims, now = Date.now()): Promise<string> {
	const iat = Math.floor(now / 1000);
	return sign(
		{ sub: claims.tenantId, scr: claims.scriptName, sid: claims.sessionId, use: claims.use, iat, exp: iat + LIMITS.assetTokenTtlSeconds },
		await signingKey(adminToken),
		"HS256",
	);
}

/** The claims of a token this installation signed and that has not expired; null otherwise (never why: a forger learns nothing). */
export async function readAssetToken(adminToken: string | undefined, token: string): Promise<AssetTokenClaims | null> {
	let payload: Record<string, unknown>;
	try {
		payload = await verify(token, await signingKey(adminToken), "HS256");
	} catch {
		return null;
	}
	const { sub, scr, sid, use } = payload;
	if (typeof sub !== "string" || typeof scr !== "string" || typeof sid !== "string" || (use !== "upload" && use !== "complete"))
		return null;
	return { tenantId: sub, scriptName: scr, sessionId: sid, use };
}

/** A deploy's `assets.jwt`: a token of one of this tenant's sessions for this script, else invalid_asset_token. */
export async function deployAssetToken(
	adminToken: string | undefined,
	token: string,
	tenantId: string,
	scriptName: string,
): Promise<AssetTokenClaims> {
	const claims = await readAssetToken(adminToken, token);
	if (!claims || claims.tenantId !== tenantId || claims.scriptName !== scriptName)
		throw new FerryError(
			"invalid_asset_token",
			`assets.jwt is not a valid token of an asset upload session of yours for script '${scriptName}' (tokens expire after ${LIMITS.assetTokenTtlSeconds / 60} minutes): start a new upload session`,
		);
	return claims;
}
