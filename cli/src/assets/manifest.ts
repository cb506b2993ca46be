/**
 * A project's static assets as wrangler reads them (its `buildAssetManifest`): every file of the
 * assets directory but symlinks, the `.assetsignore` patterns (gitignore syntax, with the `ignore`
 * version wrangler bundles) and wrangler's own metafiles; each file hashed with wrangler's hash and
 * typed as wrangler types it (`mime` at wrangler's version, `text/*` with `; charset=utf-8`), keyed
 * by "/" + its path. Limits are checked here, before anything is sent (docs/assets.md).
 */
import { lstat, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import ignore from "ignore";
import mime from "mime";
import { assetHashOfBase64 } from "../../../workers/shared/assets/hash.ts";
import { formatBytes } from "../../../workers/shared/format.ts";
import { LIMITS } from "../../../workers/shared/limits.ts";
import { UserError } from "../core/errors.ts";

export interface LocalAsset {
	/** The URL path it is served at: "/" + its path in the directory, with "/". */
	path: string;
	file: string;
	hash: string;
	size: number;
	/** As wrangler uploads it; null: no content type (sent as application/null). */
	contentType: string | null;
}

const ASSETS_IGNORE = ".assetsignore";
/** Cloudflare's routing files: wrangler sends them as config, not as assets; Ferry does not serve them yet. */
const UNSUPPORTED_FILES = ["_redirects", "_headers"];

/** wrangler's getContentType. */
export function contentTypeOf(file: string): string | null {
	const type = mime.getType(file);
	if (type?.startsWith("text/") && !type.includes("charset")) return `${type}; charset=utf-8`;
	return type;
}

async function ignoreMatcher(dir: string): Promise<(relative: string) => boolean> {
	const patterns = [`/${ASSETS_IGNORE}`, ...UNSUPPORTED_FILES.map((name) => `/${name}`)];
	const text = await readFile(path.join(dir, ASSETS_IGNORE), "utf8").catch((error: NodeJS.ErrnoException) => {
		if (error.code === "ENOENT") return undefined;
		throw error;
	});
	if (text !== undefined) {
		if (text.includes("\0")) throw new UserError(`${path.join(dir, ASSETS_IGNORE)} must be UTF-8 text without NUL characters`);
		patterns.push(...text.split("\n"));
	}
	const matcher = ignore().add(patterns);
	return (relative) => matcher.ignores(relative);
}

/** The assets of `dir` (absolute), refused with a UserError past Cloudflare's limits. */
export async function readAssets(dir: string, shownDir: string): Promise<LocalAsset[]> {
	const stat = await lstat(dir).catch(() => undefined);
	if (!stat?.isDirectory())
		throw new UserError(`the assets directory ${shownDir} (assets.directory in the config) does not exist: create it or fix the path`);
	// wrangler sends these as routing config whether or not .assetsignore lists them.
	for (const name of UNSUPPORTED_FILES)
		if (await lstat(path.join(dir, name)).catch(() => undefined))
			throw new UserError(`${path.join(shownDir, name)}: Ferry does not support ${name} files yet; remove it to deploy`);
	const ignored = await ignoreMatcher(dir);
	const entries = (await readdir(dir, { recursive: true })).map((entry) => entry.split(path.sep).join("/"));
	const files: { relative: string; file: string; size: number }[] = [];
	for (const relative of entries) {
		if (ignored(relative)) continue;
		const file = path.join(dir, relative);
		const info = await lstat(file);
		if (info.isSymbolicLink() || info.isDirectory()) continue;
		if (info.size > LIMITS.assetFileBytes)
			throw new UserError(
				`asset ${path.join(shownDir, relative)} is ${formatBytes(info.size)}: an asset file is at most ${formatBytes(LIMITS.assetFileBytes)}`,
			);
		files.push({ relative, file, size: info.size });
		if (files.length > LIMITS.assetFiles)
			throw new UserError(
				`${shownDir} has more than ${LIMITS.assetFiles.toLocaleString("en-US")} asset files: a deployment has at most ${LIMITS.assetFiles.toLocaleString("en-US")} (list what is not served in ${ASSETS_IGNORE})`,
			);
	}
	const assets: LocalAsset[] = [];
	// A few files at a time: 20,000 open files at once would run out of descriptors.
	for (let i = 0; i < files.length; i += READ_CONCURRENCY)
		assets.push(
			...(await Promise.all(
				files.slice(i, i + READ_CONCURRENCY).map(async ({ relative, file, size }) => {
					const assetPath = `/${relative}`;
					const base64 = (await readFile(file)).toString("base64");
					return { path: assetPath, file, hash: assetHashOfBase64(base64, assetPath), size, contentType: contentTypeOf(file) };
				}),
			)),
		);
	return assets;
}

const READ_CONCURRENCY = 64;
