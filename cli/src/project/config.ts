/**
 * The project's wrangler configuration. wrangler itself reads it (deploy runs wrangler's bundler;
 * names come from wrangler's own reader), so a Worker project means exactly what it means to wrangler.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { oneLine, UserError } from "../core/errors.ts";

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
