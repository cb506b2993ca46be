/**
 * The upload session (docs/assets.md): the manifest goes first, then only the files the platform
 * asks for, in its buckets (three at once, as wrangler), each file as a base64 part named by its
 * hash and typed as it will be served; the last bucket's answer is the completion token.
 */
import { readFile } from "node:fs/promises";
import type { FerryApi } from "../../../workers/shared/api-client/index.ts";
import type { LocalAsset } from "./manifest.ts";

const BUCKETS_AT_ONCE = 3;

export interface AssetUpload {
	/** The completion token for the deploy's `assets.jwt`. */
	jwt: string;
	files: number;
	/** Files the platform did not hold, and their bytes: what was sent. */
	newFiles: number;
	newBytes: number;
}

export async function uploadAssets(api: FerryApi, script: string, assets: readonly LocalAsset[]): Promise<AssetUpload> {
	const manifest = Object.fromEntries(assets.map((a) => [a.path, { hash: a.hash, size: a.size }]));
	const session = await api.assetUploadSession(script, manifest);
	const byHash = new Map(assets.map((a) => [a.hash, a]));
	let jwt = session.jwt;
	let newFiles = 0;
	let newBytes = 0;
	const upload = async (bucket: string[]) => {
		const form = new FormData();
		for (const hash of bucket) {
			const asset = byHash.get(hash);
			if (!asset) throw new Error(`the platform asked for asset ${hash}, which the manifest does not name`);
			const base64 = (await readFile(asset.file)).toString("base64");
			form.append(hash, new File([base64], hash, { type: asset.contentType ?? "application/null" }));
			newFiles++;
			newBytes += asset.size;
		}
		const answer = await api.uploadAssetBucket(session.jwt, form);
		if (answer.jwt) jwt = answer.jwt;
	};
	const buckets = session.buckets.filter((b) => b.length > 0);
	for (let i = 0; i < buckets.length; i += BUCKETS_AT_ONCE) await Promise.all(buckets.slice(i, i + BUCKETS_AT_ONCE).map(upload));
	return { jwt, files: assets.length, newFiles, newBytes };
}
