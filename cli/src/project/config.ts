/**
 * The project's wrangler configuration. wrangler itself reads it (deploy runs wrangler's bundler;
 * names come from wrangler's own reader), so a Worker project means exactly what it means to wrangler.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import path from "node:path";
import { oneLine, UserError } from "../core/errors.ts";
import type { Io } from "../core/io.ts";

/** wrangler's file names, in its order of preference. */
const CONFIG_FILES = ["wrangler.json", "wrangler.jsonc", "wrangler.toml"] as const;

/** A framework's generated config (e.g. the Cloudflare Vite plugin's), which wrangler follows. */
const REDIRECT_FILE = path.join(".wrangler", "deploy", "config.json");

function findUp(name: string, from: string): string | undefined {
	for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
		const candidate = path.join(dir, name);
		if (existsSync(candidate)) return candidate;
		if (path.dirname(dir) === dir) return undefined;
	}
}

/** The config wrangler would use from `cwd`: each name searched upward, in wrangler's order. */
export function findConfig(cwd: string): string | undefined {
	for (const name of CONFIG_FILES) {
		const found = findUp(name, cwd);
		if (found) return found;
	}
	return findUp(REDIRECT_FILE, cwd);
}

export interface ProjectOptions {
	cwd: string;
	config?: string;
	env?: string;
}

/** The config file a command reads: --config's (which may not exist), else the one found from `cwd` upward. */
export function configFile({ cwd, config }: ProjectOptions): string | undefined {
	return config ? path.resolve(cwd, config) : findConfig(cwd);
}

/** wrangler's resolved config: `main` is an absolute path, vars and the name are those of the environment. */
export type WranglerConfig = ReturnType<typeof import("wrangler").unstable_readConfig>;

/** The config file as wrangler reads it, so that it means exactly what it means to wrangler. */
export async function readConfigFile(file: string, { cwd, env }: ProjectOptions): Promise<WranglerConfig> {
	// wrangler's own reader is slow to import (~0.7 s): only when a command needs what the config says.
	const { unstable_readConfig } = await import("wrangler");
	try {
		return unstable_readConfig({ config: file, env }, { hideWarnings: true });
	} catch (error) {
		throw new UserError(oneLine(`${path.relative(cwd, file) || file}: ${(error as Error).message}`));
	}
}

/** What a deploy reads of the config: the fields it uses, and every key the config sets (for the compatibility check). */
export type ProjectConfig = Pick<
	WranglerConfig,
	"name" | "main" | "compatibility_date" | "compatibility_flags" | "assets" | "configPath" | "triggers"
> & {
	/** Each key whose value is not wrangler's default, with that value (`./compatibility.ts`). */
	configured: Record<string, unknown>;
};

/** Fields wrangler's reader computes rather than reads: never the tenant's keys. */
const COMPUTED_FIELDS = new Set(["configPath", "userConfigPath", "topLevelName", "definedEnvironments", "targetEnvironment"]);

/**
 * The keys a config sets: those whose value differs from wrangler's default config, as wrangler's
 * reader fills in every key (an environment's keys already merged in, as wrangler merges them).
 */
function configuredKeys(config: WranglerConfig, defaults: Record<string, unknown>): Record<string, unknown> {
	const configured: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(config)) {
		if (COMPUTED_FIELDS.has(key) || value === undefined || value === null) continue;
		if (JSON.stringify(value) !== JSON.stringify(defaults[key])) configured[key] = value;
	}
	return configured;
}

const WRANGLER_VERSION: string = createRequire(import.meta.url)("wrangler/package.json").version;
/** Bumped when what is remembered of a config changes. */
const CACHE_FORMAT = 3;

function cacheFile(env: Io["env"], key: string): string {
	const base = env.XDG_CACHE_HOME || path.join(env.HOME || env.USERPROFILE || homedir(), ".cache");
	return path.join(base, "ferry", "wrangler-configs", `${createHash("sha256").update(key).digest("hex").slice(0, 32)}.json`);
}

async function readProjectConfigNow(file: string, options: ProjectOptions): Promise<ProjectConfig> {
	const full = await readConfigFile(file, options);
	const { unstable_defaultWranglerConfig } = await import("wrangler");
	return {
		name: full.name,
		main: full.main,
		compatibility_date: full.compatibility_date,
		compatibility_flags: full.compatibility_flags,
		assets: full.assets,
		triggers: full.triggers,
		configPath: full.configPath,
		configured: configuredKeys(full, unstable_defaultWranglerConfig as unknown as Record<string, unknown>),
	};
}

/**
 * The project's config as wrangler reads it, remembered by the file's path and exact text, the
 * environment and wrangler's version: wrangler's reader takes most of a second to import, which a
 * redeploy would otherwise spend on a config it already read. A changed file, `--env`,
 * CLOUDFLARE_ENV or wrangler version is a new key, so wrangler reads it again.
 */
export async function readProjectConfig(file: string, options: ProjectOptions, env: Io["env"]): Promise<ProjectConfig> {
	let text: string;
	try {
		text = readFileSync(file, "utf8");
	} catch {
		return readProjectConfigNow(file, options);
	}
	const key = JSON.stringify([
		CACHE_FORMAT,
		WRANGLER_VERSION,
		path.resolve(file),
		options.env ?? null,
		process.env.CLOUDFLARE_ENV ?? null,
		text,
	]);
	const cache = cacheFile(env, key);
	try {
		const cached = JSON.parse(readFileSync(cache, "utf8")) as { key: string; config: ProjectConfig };
		if (cached.key === key) return cached.config;
	} catch {
		// Not cached yet (or unreadable): read it.
	}
	const config = await readProjectConfigNow(file, options);
	try {
		mkdirSync(path.dirname(cache), { recursive: true });
		writeFileSync(`${cache}.tmp`, JSON.stringify({ key, config }));
		renameSync(`${cache}.tmp`, cache);
	} catch {
		// A cache that cannot be written only costs the next deploy the same read.
	}
	return config;
}

/** The script name the project's config gives, for commands whose script argument was left out. */
async function projectScriptName(options: ProjectOptions, command: string): Promise<string> {
	const file = configFile(options);
	if (!file || !existsSync(file))
		throw new UserError(
			`${options.config ? `no config file at ${options.config}` : "no wrangler.toml or wrangler.jsonc here"}: name the script (ferry ${command} <script>) or run this in the Worker project`,
		);
	const { name } = await readConfigFile(file, options);
	if (!name)
		throw new UserError(`${path.relative(options.cwd, file)} has no name: add name = "…" or name the script (ferry ${command} <script>)`);
	return name;
}

/** --config and --env, for commands that read the project's config. */
export const projectArgs = {
	config: {
		type: "string",
		alias: "c",
		valueHint: "FILE",
		description: "The wrangler config (default: wrangler.json, .jsonc or .toml found from here upward)",
	},
	env: { type: "string", alias: "e", valueHint: "NAME", description: "A wrangler environment ([env.NAME] in the config)" },
} as const;

/** The script a command names, or else the project's. */
export async function scriptFromArgs(
	args: { script?: string; config?: string; env?: string },
	cwd: string,
	command: string,
): Promise<string> {
	return args.script ?? projectScriptName({ cwd, config: args.config, env: args.env }, command);
}
