/**
 * The `assets` section of a project's wrangler config, as wrangler reads it: the directory
 * (relative to the config file), the binding, and the routing keys sent with the deploy.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import path from "node:path";
import { UserError } from "../core/errors.ts";
import type { Io } from "../core/io.ts";
import { type ProjectOptions, readConfigFile, type WranglerConfig } from "../project/config.ts";

/** What a deploy with assets reads of the config. */
export type ProjectConfig = Pick<WranglerConfig, "name" | "main" | "compatibility_date" | "compatibility_flags" | "assets" | "configPath">;

export interface ProjectAssets {
	/** Absolute. */
	directory: string;
	/** As the config says it, for messages. */
	shownDirectory: string;
	binding: string | null;
	/** `metadata.assets.config`: only the keys the config sets. */
	config: Record<string, unknown>;
}

/**
 * Whether the config file could have an `assets` section at all, without wrangler's reader (slow to
 * import): a project that never mentions assets deploys without paying for it.
 */
export function mayHaveAssets(file: string): boolean {
	try {
		return readFileSync(file, "utf8").includes("assets");
	} catch {
		return false;
	}
}

export function projectAssets(config: ProjectConfig): ProjectAssets | undefined {
	const assets = config.assets;
	if (!assets) return undefined;
	if (!assets.directory) throw new UserError(`${config.configPath ?? "the config"}: assets needs a directory (assets.directory)`);
	const base = config.configPath ? path.dirname(config.configPath) : process.cwd();
	const routing = assets as { html_handling?: string; not_found_handling?: string; run_worker_first?: boolean | string[] };
	const config_ = Object.fromEntries(
		Object.entries({
			html_handling: routing.html_handling,
			not_found_handling: routing.not_found_handling,
			run_worker_first: routing.run_worker_first,
		}).filter(([, value]) => value !== undefined),
	);
	return {
		directory: path.resolve(base, assets.directory),
		shownDirectory: assets.directory,
		binding: assets.binding ?? null,
		config: config_,
	};
}

const WRANGLER_VERSION: string = createRequire(import.meta.url)("wrangler/package.json").version;

function cacheFile(env: Io["env"], key: string): string {
	const base = env.XDG_CACHE_HOME || path.join(env.HOME || env.USERPROFILE || homedir(), ".cache");
	return path.join(base, "ferry", "wrangler-configs", `${createHash("sha256").update(key).digest("hex").slice(0, 32)}.json`);
}

/**
 * The project's config as wrangler reads it, remembered by the file's path and exact text, the
 * environment and wrangler's version: wrangler's reader takes most of a second to import, which an
 * assets-only redeploy would otherwise spend on a config it already read. A changed file, `--env`,
 * CLOUDFLARE_ENV or wrangler version is a new key, so wrangler reads it again.
 */
export async function readProjectConfig(file: string, options: ProjectOptions, env: Io["env"]): Promise<ProjectConfig> {
	let text: string;
	try {
		text = readFileSync(file, "utf8");
	} catch {
		return readConfigFile(file, options);
	}
	const key = JSON.stringify([WRANGLER_VERSION, path.resolve(file), options.env ?? null, process.env.CLOUDFLARE_ENV ?? null, text]);
	const cache = cacheFile(env, key);
	try {
		const cached = JSON.parse(readFileSync(cache, "utf8")) as { key: string; config: ProjectConfig };
		if (cached.key === key) return cached.config;
	} catch {
		// Not cached yet (or unreadable): read it.
	}
	const full = await readConfigFile(file, options);
	const config: ProjectConfig = {
		name: full.name,
		main: full.main,
		compatibility_date: full.compatibility_date,
		compatibility_flags: full.compatibility_flags,
		assets: full.assets,
		configPath: full.configPath,
	};
	try {
		mkdirSync(path.dirname(cache), { recursive: true });
		writeFileSync(`${cache}.tmp`, JSON.stringify({ key, config }));
		renameSync(`${cache}.tmp`, cache);
	} catch {
		// A cache that cannot be written only costs the next deploy the same read.
	}
	return config;
}
