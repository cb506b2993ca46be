/**
 * An upload session's tokens (Cloudflare's assets-upload-session JWTs): HS256 JWTs that name the
 * tenant, the script and the session, expiring after LIMITS.assetTokenTtlSeconds.
 *
 * - `upload`: authenticates the bucket uploads of that session (it is the only credential they carry);
 * - `complete`: proves the session's files are all held; a deploy's `assets.jwt` carries it.
 *
 * Signed with a key derived from FERRY_ADMIN_TOKEN (../auth/signing-key.ts, under this use's own
 * label): rotating the admin token invalidates open sessions, which live an hour anyway.
 */
import { sign, verify } from "hono/jwt";
import { FerryError } from "../../../shared/http/errors";
import { LIMITS } from "../../../shared/limits";
import { signingKey } from "../auth/signing-key";

export type AssetTokenUse = "upload" | "complete";

export interface AssetTokenClaims {
	tenantId: string;
	scriptName: string;
	sessionId: string;
	use: AssetTokenUse;
}

const KEY_LABEL = "ferry/assets-upload-session/v1";

export async function signAssetToken(adminToken: string | undefined, claims: AssetTokenClaims, now = Date.now()): Promise<string> {
	const iat = Math.floor(now / 1000);
	return sign(
		{ sub: claims.tenantId, scr: claims.scriptName, sid: claims.sessionId, use: claims.use, iat, exp: iat + LIMITS.assetTokenTtlSeconds },
		await signingKey(adminToken, KEY_LABEL),
		"HS256",
	);
}

/** The claims of a token this installation signed and that has not expired; null otherwise (never why: a forger learns nothing). */
export async function readAssetToken(adminToken: string | undefined, token: string): Promise<AssetTokenClaims | null> {
	let payload: Record<string, unknown>;
	try {
		payload = await verify(token, await signingKey(adminToken, KEY_LABEL), "HS256");
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
