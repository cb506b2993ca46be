/**
 * A deployment's static assets, sent to Cloudflare with its namespace script through Cloudflare's
 * documented flow (https://developers.cloudflare.com/workers/static-assets/direct-upload/):
 *
 * 1. `POST …/dispatch/namespaces/<ns>/scripts/<script>/assets-upload-session` with the manifest
 *    (path → hash, size) → an upload JWT and the buckets of hashes Cloudflare lacks;
 * 2. each bucket: `POST /accounts/<id>/workers/assets/upload?base64=true`, authenticated by that JWT,
 *    one base64 part per hash typed by the file's content type (`application/null`: none); the last
 *    answers with the completion JWT (no bucket at all: the session's JWT is the completion token);
 * 3. the script upload carries `metadata.assets = {jwt, config}` (./form.ts).
 *
 * Cloudflare keeps assets per account, that is for every tenant of the installation together, and
 * takes the hash as the client's name for the bytes. So the hashes sent are scoped to the tenant
 * (sha256 of the tenant id and Ferry's hash): one tenant's file is never one another tenant's
 * manifest can name, even for identical bytes.
 */
import type { DeploymentAssets } from "../../../../shared/assets/manifest";
import { sha256Hex } from "../../../../shared/ids";
import type { BuiltDeployment } from "../types";
import type { CloudflareApi } from "./api";
import type { ScriptAssets } from "./form";

/** Buckets uploaded at once, as wrangler does. */
const BUCKET_CONCURRENCY = 3;

export const cloudflareAssetHash = async (tenantId: string, hash: string): Promise<string> =>
	(await sha256Hex(`ferry-asset\0${tenantId}\0${hash}`)).slice(0, 32);

function base64Of(bytes: ArrayBuffer): string {
	const view = new Uint8Array(bytes);
	let binary = "";
	for (let i = 0; i < view.length; i += 0x8000) binary += String.fromCharCode(...view.subarray(i, i + 0x8000));
	return btoa(binary);
}

/** The routing config as Cloudflare's `assets.config` takes it. */
export function scriptAssetsConfig(files: DeploymentAssets): ScriptAssets["config"] {
	const { html_handling, not_found_handling, run_worker_first, has_worker } = files.routing;
	// Cloudflare refuses run_worker_first on a script without a Worker.
	return { html_handling, not_found_handling, ...(has_worker ? { run_worker_first } : {}) };
}

/** Uploads what Cloudflare lacks of the deployment's assets; returns the completion token for the script upload. */
export async function uploadAssets(
	api: CloudflareApi,
	scriptPath: readonly string[],
	assets: NonNullable<BuiltDeployment["assets"]>,
): Promise<string> {
	const { files } = assets;
	const ferryHashOf = new Map<string, string>();
	const manifest: Record<string, { hash: string; size: number }> = {};
	const contentTypes = new Map<string, string | null>();
	for (const [path, file] of Object.entries(files.files)) {
		const hash = await cloudflareAssetHash(files.tenantId, file.hash);
		ferryHashOf.set(hash, file.hash);
		contentTypes.set(hash, file.content_type);
		manifest[path] = { hash, size: file.size };
	}
	const session = await api.call<{ jwt?: string; buckets?: string[][] }>("POST", [...scriptPath, "assets-upload-session"], {
		body: { manifest },
	});
	if (!session?.jwt) throw new Error("Cloudflare's assets upload session answered without a token");
	const buckets = (session.buckets ?? []).filter((bucket) => bucket.length > 0);
	if (buckets.length === 0) return session.jwt;

	let completion: string | undefined;
	const uploadBucket = async (bucket: string[]) => {
		const form = new FormData();
		for (const hash of bucket) {
			const ferryHash = ferryHashOf.get(hash);
			if (!ferryHash) throw new Error(`Cloudflare asked for asset ${hash}, which the manifest does not name`);
			const type = contentTypes.get(hash) ?? "application/null";
			form.append(hash, new File([base64Of(await assets.bytes(ferryHash))], hash, { type }));
		}
		const answer = await api.call<{ jwt?: string } | null>("POST", ["workers", "assets", "upload"], {
			body: form,
			token: session.jwt,
			query: { base64: "true" },
		});
		if (answer?.jwt) completion = answer.jwt;
	};
	for (let i = 0; i < buckets.length; i += BUCKET_CONCURRENCY)
		await Promise.all(buckets.slice(i, i + BUCKET_CONCURRENCY).map(uploadBucket));
	if (!completion) throw new Error("Cloudflare's assets upload ended without a completion token");
	return completion;
}
