/**
 * The platform Workers as Miniflare runs them: bindings from the wrangler configs (wrangler's own
 * `unstable_getMiniflareWorkerOptions`, so the configs stay the single source) and code bundled with
 * esbuild the way wrangler bundles for workerd. Which process runs which, and how the processes'
 * service bindings reach each other, is ./supervisor/processes.ts's.
 *
 * Importing wrangler and bundling take seconds, and their result only changes when a config or a
 * source file does, so it is kept in the state directory with a fingerprint of everything it came
 * from: the configs, .dev.vars, the tool versions, and every file esbuild read (size and mtime). A
 * start whose fingerprint matches uses the kept Workers without loading wrangler or esbuild at all.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { V4WorkerOptions } from "miniflare";
import { ROOT } from "./paths.ts";

/**
 * The platform Workers by role, with the wrangler config (and environment) each comes from:
 *   api      the control-plane API (workers/api/), in the control process
 *   control  the edge, PlatformServices and the supervisor's surface (local/control/), beside it
 *   panel    the web dashboard at dash.<PLATFORM_DOMAIN> (workers/panel/), beside them
 *   runtime  the dispatcher as a runtime process runs it (wrangler.toml's [env.runtime]), also the probe process
 *   telemetry invocation records of tenant code (workers/telemetry/), in the control process
 *   resources tenants' KV namespaces (workers/resources/), in the control process
 */
const WORKERS = {
	api: { config: "workers/api/wrangler.toml", env: undefined },
	control: { config: "local/control/wrangler.toml", env: undefined },
	panel: { config: "workers/panel/wrangler.toml", env: undefined },
	runtime: { config: "wrangler.toml", env: "runtime" },
	telemetry: { config: "workers/telemetry/wrangler.toml", env: undefined },
	resources: { config: "workers/resources/wrangler.toml", env: undefined },
} as const;

export type PlatformWorker = keyof typeof WORKERS;
export type PlatformWorkers = Record<PlatformWorker, V4WorkerOptions>;

/** Bumped when the kept file's shape changes. */
const FORMAT = 7;

interface Kept {
	format: number;
	/** Configs, .dev.vars and tool versions. */
	settings: string;
	/** Every file the bundles were built from (repository-relative) → "size:mtimeMs". */
	inputs: Record<string, string>;
	workers: PlatformWorkers;
}

export const preparedWorkersPath = (stateDir: string) => path.join(stateDir, "platform-workers.json");

/** Bundles a Worker the way wrangler does for workerd: ESM, workerd/worker conditions, cloudflare:* external. */
export async function bundleWorker(entry: string): Promise<string> {
	return (await bundle(entry)).code;
}

async function bundle(entry: string): Promise<{ code: string; inputs: string[] }> {
	const { build } = await import("esbuild");
	const result = await build({
		entryPoints: [entry],
		bundle: true,
		write: false,
		metafile: true,
		format: "esm",
		platform: "neutral",
		target: "es2024",
		conditions: ["workerd", "worker", "browser"],
		mainFields: ["browser", "module", "main"],
		external: ["cloudflare:*", "node:*"],
		logLevel: "silent",
	});
	return { code: result.outputFiles[0]!.text, inputs: Object.keys(result.metafile.inputs) };
}

const fileState = (file: string) => {
	try {
		const stat = statSync(path.resolve(ROOT, file));
		return `${stat.size}:${stat.mtimeMs}`;
	} catch {
		return "missing";
	}
};

/** What wrangler reads besides the sources: the configs, the local secrets, and the tools themselves. */
function settingsFingerprint(): string {
	const hash = createHash("sha256");
	const files = [
		...Object.values(WORKERS).flatMap(({ config }) => [
			config,
			path.join(path.dirname(config), ".dev.vars"),
			path.join(path.dirname(config), ".env"),
		]),
		...["wrangler", "miniflare", "esbuild"].map((pkg) => `node_modules/${pkg}/package.json`),
	];
	for (const file of files) {
		const full = path.join(ROOT, file);
		hash
			.update(`${file}\0`)
			.update(existsSync(full) ? readFileSync(full) : "missing")
			.update("\0");
	}
	return hash.digest("hex");
}

function readKept(file: string): Kept | undefined {
	try {
		return JSON.parse(readFileSync(file, "utf8")) as Kept;
	} catch {
		return undefined;
	}
}

async function build(settings: string): Promise<Kept> {
	const { unstable_getMiniflareWorkerOptions, unstable_readConfig } = await import("wrangler");
	const inputs: Record<string, string> = {};
	const workers = await Promise.all(
		Object.entries(WORKERS).map(async ([role, { config, env }]) => {
			const configPath = path.join(ROOT, config);
			const { name } = unstable_readConfig({ config: configPath, env });
			const { workerOptions: options, main } = unstable_getMiniflareWorkerOptions(configPath, env);
			if (!main || !name) throw new Error(`${config} needs a name and a main module`);
			const { code, inputs: read } = await bundle(main);
			// esbuild names inputs relative to the working directory.
			for (const input of read) {
				const file = path.relative(ROOT, path.resolve(input));
				inputs[file] = fileState(file);
			}
			const bindings = { ...(options.bindings as Record<string, unknown>) };
			// The platform passes its secrets itself; they are not kept on disk a second time.
			delete bindings.FERRY_ADMIN_TOKEN;
			delete bindings.SUPERVISOR_TOKEN;
			delete bindings.FERRY_SECRETS_KEY;
			const worker = {
				...options,
				name,
				rootPath: undefined,
				modules: [{ type: "ESModule", path: path.join(path.dirname(configPath), "index.js"), contents: code }],
				bindings,
			} as V4WorkerOptions;
			return [role, worker] as const;
		}),
	);
	return { format: FORMAT, settings, inputs, workers: Object.fromEntries(workers) as PlatformWorkers };
}

/**
 * The platform's Workers by role, from the state directory when nothing they came from changed, else
 * built (and kept for the next start). `bindings[role]` are added to that Worker's bindings (values
 * passed here, such as the admin token, are never written to the state directory).
 */
export async function platformWorkers(
	stateDir: string,
	bindings: Partial<Record<PlatformWorker, Record<string, string>>>,
): Promise<PlatformWorkers> {
	const file = preparedWorkersPath(stateDir);
	const settings = settingsFingerprint();
	let kept = readKept(file);
	const fresh =
		kept?.format === FORMAT &&
		kept.settings === settings &&
		Object.entries(kept.inputs).every(([input, state]) => fileState(input) === state);
	if (!fresh) {
		kept = await build(settings);
		mkdirSync(path.dirname(file), { recursive: true });
		// Written aside and renamed, so a concurrent start never reads half a file.
		const partial = `${file}.${process.pid}.tmp`;
		writeFileSync(partial, JSON.stringify(kept), { mode: 0o600 });
		renameSync(partial, file);
	}
	const workers = kept!.workers;
	const withBindings = (role: PlatformWorker) =>
		({ ...workers[role], bindings: { ...(workers[role].bindings as Record<string, unknown>), ...bindings[role] } }) as V4WorkerOptions;
	return {
		api: withBindings("api"),
		control: withBindings("control"),
		panel: withBindings("panel"),
		runtime: withBindings("runtime"),
		telemetry: withBindings("telemetry"),
		resources: withBindings("resources"),
	};
}
