/**
 * A WASI command module as an upload, without a bundler: the one `.wasm` file as the one module and
 * `"wasi": "wagi"` in the metadata, the upload the API serves CGI-style through its WAGI shim
 * (docs/wasm.md, "WASI modules"). It is the same Bundle as bundle.ts makes, so the upload, --dry-run,
 * --outdir and the summary do not know the difference.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { readHeader } from "../../../workers/wasm/header.ts";
import { UserError } from "../core/errors.ts";
import type { Bundle } from "./bundle.ts";
import { configFile, type ProjectOptions, readConfigFile, type WranglerConfig } from "./config.ts";

/** Whether a deploy entry is a WebAssembly module rather than a Worker for wrangler to bundle. */
const isWasmEntry = (entry: string): boolean => entry.toLowerCase().endsWith(".wasm");

export interface WasmEntry {
	/** The .wasm file, relative to the working directory (or absolute) as the user would write it. */
	file: string;
	/** The project's config, when there is one: its name, vars and compatibility date are the defaults. */
	config?: WranglerConfig;
}

/**
 * The WebAssembly module a deploy names (the positional entry, else `main` in the config), or
 * undefined when the entry is a Worker, which wrangler bundles (and whose config wrangler reads).
 */
export async function findWasmEntry(entry: string | undefined, options: ProjectOptions): Promise<WasmEntry | undefined> {
	if (entry !== undefined && !isWasmEntry(entry)) return undefined;
	const file = configFile(options);
	if (file && !existsSync(file)) {
		// For a Worker, wrangler says this itself.
		if (entry === undefined) return undefined;
		throw new UserError(`no config file at ${options.config}`);
	}
	if (entry !== undefined) return { file: entry, ...(file ? { config: await readConfigFile(file, options) } : {}) };
	// A config whose text never mentions ".wasm" cannot have a .wasm main: spare a Worker's deploy wrangler's slow reader.
	if (!file || !(await readFile(file, "utf8")).toLowerCase().includes(".wasm")) return undefined;
	const config = await readConfigFile(file, options);
	return config.main && isWasmEntry(config.main) ? { file: path.relative(options.cwd, config.main) || config.main, config } : undefined;
}

export interface WasmBundleOptions {
	name?: string;
	/** KEY:VALUE pairs (--var); they override the config's vars. */
	vars: string[];
	compatibilityDate?: string;
}

export async function bundleWasm(cwd: string, { file, config }: WasmEntry, options: WasmBundleOptions): Promise<Bundle> {
	const bytes = await readWasm(path.resolve(cwd, file), file);
	const name = options.name ?? config?.name;
	if (!name) throw new UserError(`name the script: ferry deploy ${file} --name <name> (there is no wrangler config with a name here)`);
	const vars = { ...configVars(config?.vars ?? {}), ...Object.fromEntries(options.vars.map(splitVar)) };
	const compatibilityDate = options.compatibilityDate ?? config?.compatibility_date;
	const module = path.basename(file);
	return {
		name,
		metadata: {
			wasi: "wagi",
			main_module: module,
			...(compatibilityDate ? { compatibility_date: compatibilityDate } : {}),
			...(Object.keys(vars).length > 0 ? { vars } : {}),
		},
		modules: [{ name: module, type: "application/wasm", bytes }],
	};
}

async function readWasm(file: string, shown: string): Promise<Uint8Array> {
	let bytes: Uint8Array;
	try {
		bytes = new Uint8Array(await readFile(file));
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === "ENOENT") throw new UserError(`${shown}: no such file`);
		if (code === "EISDIR") throw new UserError(`${shown} is a directory, not a WebAssembly module`);
		throw new UserError(`cannot read ${shown} (${code ?? "unknown error"})`);
	}
	// The platform would refuse it too, but only after the upload: say it before sending anything.
	if (readHeader(bytes).kind === "not-wasm")
		throw new UserError(`${shown} is not WebAssembly: it does not start with the magic number \\0asm`);
	return bytes;
}

/** A WASI module sees vars as environment variables: strings as they are, other JSON values as JSON text. */
function configVars(vars: Record<string, unknown>): Record<string, string> {
	return Object.fromEntries(Object.entries(vars).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]));
}

/** KEY:VALUE, split at the first colon (the value may hold more), as wrangler's --var does. */
function splitVar(pair: string): [string, string] {
	const colon = pair.indexOf(":");
	return [pair.slice(0, colon), pair.slice(colon + 1)];
}
