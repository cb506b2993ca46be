/**
 * A deploy's assets: `assets.jwt` names an upload session of the tenant's for the script (checked
 * before anything is stored, a 400 otherwise), and at the Built stage every file of that session
 * must be held by the tenant (else the deployment fails there and the live one keeps serving). The
 * deployment's asset manifest is the session's, with each file's content type as it was uploaded.
 */
import type { AssetRouting, DeploymentAsset, DeploymentAssets } from "../../../shared/assets/manifest";
import type { UploadSession } from "../../../shared/assets/store";
import type { Database } from "../../../shared/db";
import { FerryError } from "../../../shared/http/errors";
import { BuildError } from "../deploy/build";
import type { UploadAssets } from "../deploy/upload";
import { heldAssets } from "./held";
import type { SessionContext } from "./sessions";
import { deployAssetToken } from "./tokens";

/** The upload session a deploy's `assets.jwt` names, for this tenant and script; invalid_asset_token otherwise. */
export async function sessionForDeploy(
	ctx: Omit<SessionContext, "db">,
	tenantId: string,
	scriptName: string,
	assets: UploadAssets,
): Promise<UploadSession> {
	const claims = await deployAssetToken(ctx.adminToken, assets.jwt, tenantId, scriptName);
	const session = await ctx.store.session(claims.tenantId, claims.sessionId);
	if (!session) throw new FerryError("invalid_asset_token", "the upload session of assets.jwt is gone: start a new upload session");
	return session;
}

/** Files and bytes of a session's manifest (a file that appears at two paths counts twice, as it is served twice). */
export function sessionTotals(session: UploadSession): { files: number; bytes: number } {
	const entries = Object.values(session.manifest);
	return { files: entries.length, bytes: entries.reduce((n, e) => n + e.size, 0) };
}

const listed = (paths: string[]) => `${paths.slice(0, 5).join(", ")}${paths.length > 5 ? ` and ${paths.length - 5} more` : ""}`;

/** The deployment's asset manifest, or a BuildError naming the files that were never uploaded. */
export async function deploymentAssets(
	db: Database,
	session: UploadSession,
	deployment: { id: string; tenantId: string; routing: AssetRouting },
): Promise<DeploymentAssets> {
	const hashes = [...new Set(Object.values(session.manifest).map((e) => e.hash))];
	const held = await heldAssets(db, deployment.tenantId, hashes);
	const files: Record<string, DeploymentAsset> = {};
	const missing: string[] = [];
	for (const [path, { hash, size }] of Object.entries(session.manifest)) {
		const asset = held.get(hash);
		if (asset) files[path] = { hash, size, content_type: asset.contentType };
		else missing.push(path);
	}
	if (missing.length > 0)
		throw new BuildError(
			`${missing.length} asset file${missing.length === 1 ? " was" : "s were"} never uploaded (${listed(missing)}): upload every bucket of the upload session before deploying, or deploy again`,
		);
	return { version: 1, deploymentId: deployment.id, tenantId: deployment.tenantId, routing: deployment.routing, files };
}
