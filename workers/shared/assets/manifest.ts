/**
 * Static assets: what a deploy's upload session names (path → hash and size, Cloudflare's
 * assets-upload-session manifest), the routing config a deployment carries (wrangler's `assets`
 * keys), and the asset manifest a deployment keeps in R2 (path → hash, size, content type), which
 * the dispatcher serves from. docs/assets.md describes them.
 */
import { z } from "zod";
import { LIMITS } from "../limits";
import { ASSET_HASH } from "./hash";

export const HTML_HANDLING = ["auto-trailing-slash", "force-trailing-slash", "drop-trailing-slash", "none"] as const;
export const NOT_FOUND_HANDLING = ["single-page-application", "404-page", "none"] as const;
export type HtmlHandling = (typeof HTML_HANDLING)[number];
export type NotFoundHandling = (typeof NOT_FOUND_HANDLING)[number];

const MAX_PATH_LENGTH = 1024;
/** Characters below U+0020 and U+007F (DEL), which no URL path carries unencoded. */
const hasControlCharacter = (text: string) => [...text].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

/**
 * Why `path` cannot name an asset, or undefined when it can. An asset path is the URL path it is
 * served at, decoded: "/", then segments, none empty, "." or ".." (no traversal, no "//host"
 * that a redirect could turn into another origin), no backslash, no control characters. Spaces,
 * unicode, '%', '?' and '#' are ordinary characters of a file name (served percent-encoded).
 */
export function assetPathProblem(path: string): string | undefined {
	if (!path.startsWith("/")) return "an asset path starts with '/' (the URL path it is served at)";
	if (path.length > MAX_PATH_LENGTH) return `an asset path is at most ${MAX_PATH_LENGTH} characters`;
	if (hasControlCharacter(path)) return "an asset path cannot contain control characters";
	if (path.includes("\\")) return "an asset path uses '/' as separator, not '\\'";
	if (
		path
			.slice(1)
			.split("/")
			.some((segment) => segment === "" || segment === "." || segment === "..")
	)
		return "an asset path cannot contain empty, '.' or '..' segments";
	return undefined;
}

export const uploadEntrySchema = z.strictObject({
	hash: z.string().regex(ASSET_HASH, "a hash is 32 lowercase hex digits (wrangler's asset hash)"),
	size: z
		.number()
		.int()
		.nonnegative()
		.max(LIMITS.assetFileBytes, `a file is at most ${LIMITS.assetFileBytes / 1024 / 1024} MiB`),
});
export type UploadEntry = z.infer<typeof uploadEntrySchema>;

/** An upload session's manifest: path → hash and size. Limits are checked by the caller, to answer 413. */
export const uploadManifestSchema = z.record(z.string(), uploadEntrySchema).superRefine((manifest, ctx) => {
	for (const path of Object.keys(manifest)) {
		const problem = assetPathProblem(path);
		if (problem) ctx.addIssue({ code: "custom", message: `'${path}': ${problem}`, path: [path] });
	}
});
export type UploadManifest = z.infer<typeof uploadManifestSchema>;

/** wrangler's rule limits for `run_worker_first` patterns (workers-shared parseStaticRouting). */
const MAX_RULES = 100;
const MAX_RULE_LENGTH = 100;

/** Why `run_worker_first` patterns are unusable, or undefined. Ported from workers-shared's parseStaticRouting. */
export function runWorkerFirstProblem(rules: readonly string[]): string | undefined {
	if (rules.length === 0) return "run_worker_first needs at least one pattern";
	if (rules.length > MAX_RULES) return `run_worker_first has at most ${MAX_RULES} patterns`;
	const invalid: string[] = [];
	for (const rule of rules) {
		if (!rule.startsWith("/") && !rule.startsWith("!/"))
			invalid.push(`'${rule}': ${rule.startsWith("!") ? "negative patterns start with '!/'" : "patterns start with '/' or '!/'"}`);
		if (rule.length > MAX_RULE_LENGTH) invalid.push(`'${rule}': a pattern is at most ${MAX_RULE_LENGTH} characters`);
	}
	if (invalid.length === 0 && rules.every((rule) => rule.startsWith("!")))
		return "run_worker_first has only negative ('!/') patterns: give at least one pattern that runs the Worker";
	if (new Set(rules).size !== rules.length) invalid.push("patterns must be unique");
	return invalid.length > 0 ? `invalid run_worker_first patterns: ${invalid.join("; ")}` : undefined;
}

const refusedKey = (what: string) => z.undefined({ error: what }).optional();

/**
 * The `assets.config` of a deploy's metadata: wrangler's routing keys. What Ferry does not serve yet
 * is refused by name rather than ignored (`_redirects`, `_headers`, `base_path`).
 */
export const assetConfigSchema = z
	.strictObject({
		html_handling: z.enum(HTML_HANDLING).optional(),
		not_found_handling: z.enum(NOT_FOUND_HANDLING).optional(),
		run_worker_first: z
			.union([z.boolean(), z.array(z.string())])
			.optional()
			.superRefine((value, ctx) => {
				const problem = Array.isArray(value) ? runWorkerFirstProblem(value) : undefined;
				if (problem) ctx.addIssue({ code: "custom", message: problem });
			}),
		_redirects: refusedKey("a _redirects file is not supported yet: remove it from the assets directory (or list it in .assetsignore)"),
		_headers: refusedKey("a _headers file is not supported yet: remove it from the assets directory (or list it in .assetsignore)"),
		base_path: z
			.string()
			.optional()
			.refine((value) => value === undefined || value === "/", { message: "assets.base_path is not supported yet" }),
	})
	.default({});
export type AssetConfig = z.infer<typeof assetConfigSchema>;

/** How the dispatcher routes a deployment's requests between its assets and its Worker. */
export interface AssetRouting {
	html_handling: HtmlHandling;
	not_found_handling: NotFoundHandling;
	/** true: every request runs the Worker first; false: assets first; patterns: those paths run it first. */
	run_worker_first: boolean | string[];
	/** Whether the deployment has a Worker at all (assets-only deployments have none). */
	has_worker: boolean;
	/**
	 * Cloudflare's `assets_navigation_prefers_asset_serving` (on for compatibility dates from
	 * 2025-04-01): a browser navigation (`Sec-Fetch-Mode: navigate`) that no file answers gets the
	 * not-found handling (the SPA's index.html) instead of the Worker.
	 */
	navigation_prefers_assets: boolean;
}

export const deploymentAssetSchema = z.object({
	hash: z.string().regex(ASSET_HASH),
	size: z.number().int().nonnegative(),
	/** As uploaded; null: served without a content type (Cloudflare's `application/null`). */
	content_type: z.string().nullable(),
});
export type DeploymentAsset = z.infer<typeof deploymentAssetSchema>;

/** A deployment's assets, written at its Built stage (R2 `asset-manifests/<deployment-id>.json`); immutable. */
export const deploymentAssetsSchema = z.object({
	version: z.literal(1),
	deploymentId: z.string(),
	tenantId: z.string(),
	routing: z.object({
		html_handling: z.enum(HTML_HANDLING),
		not_found_handling: z.enum(NOT_FOUND_HANDLING),
		run_worker_first: z.union([z.boolean(), z.array(z.string())]),
		has_worker: z.boolean(),
		navigation_prefers_assets: z.boolean(),
	}),
	files: z.record(z.string(), deploymentAssetSchema),
});
export type DeploymentAssets = z.infer<typeof deploymentAssetsSchema>;

const NAVIGATION_FLAG = {
	enable: "assets_navigation_prefers_asset_serving",
	disable: "assets_navigation_has_no_effect",
	from: "2025-04-01",
};

/** The routing a deployment's config and compatibility settings give, every default filled in (asset-worker's normalizeConfiguration). */
export function assetRouting(
	config: AssetConfig,
	hasWorker: boolean,
	compatibility: { date: string; flags: readonly string[] },
): AssetRouting {
	const flags = compatibility.flags;
	return {
		html_handling: config.html_handling ?? "auto-trailing-slash",
		not_found_handling: config.not_found_handling ?? "none",
		run_worker_first: config.run_worker_first ?? false,
		has_worker: hasWorker,
		navigation_prefers_assets:
			flags.includes(NAVIGATION_FLAG.enable) || (compatibility.date >= NAVIGATION_FLAG.from && !flags.includes(NAVIGATION_FLAG.disable)),
	};
}
