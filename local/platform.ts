/**
 * The whole platform on one machine: the dispatcher and the API Worker in one workerd process
 * (Miniflare), on one port, with D1 and R2 persisted on disk. `npm run dev`, the end-to-end tests,
 * the CLI tests and the benchmarks all start it through here.
 *
 * Why Miniflare rather than `wrangler dev`: wrangler's dev proxy halves the throughput of a hello
 * world on these machines (~600 vs ~1,200 req/s). Bindings still come from the wrangler configs.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare, type V4WorkerOptions } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";
import { loopbackFetch } from "../cli/src/api/loopback.ts";
import { Watchdog } from "./watchdog.ts";

// wrangler warns that FERRY_ADMIN_TOKEN is not in .dev.vars when the caller passes its own; the
// platform passes the token explicitly below, so only wrangler's errors are worth showing.
process.env.WRANGLER_LOG ??= "error";

export const ROOT = path.resolve(import.meta.dirname, "..");
export const DEFAULT_STATE_DIR = path.join(ROOT, ".ferry", "state");

/** The platform Workers: wrangler config, and the routes that reach each one locally. */
const WORKERS = [
	// The dispatcher is first: Miniflare sends requests no route matches to the first Worker.
	{ config: "wrangler.toml", routes: [] as string[] },
	{ config: "workers/api/wrangler.toml", routes: ["api.localhost/*"] },
];

export interface LocalPlatformOptions {
	port?: number;
	host?: string;
	/** Where D1 and R2 live (wrangler's --persist-to layout). */
	stateDir?: string;
	adminToken?: string;
	/** Print workerd's logs (tenant console output, platform logs). */
	verbose?: boolean;
	/** Apply pending D1 migrations with wrangler first (default true). */
	migrate?: boolean;
	/** Restart the runtime when it stops answering (a tenant's endless loop); default true. */
	watchdog?: { intervalMs?: number; timeoutMs?: number } | false;
}

export interface LocalPlatform {
	url: URL;
	port: number;
	adminToken: string;
	/** How many times the watchdog restarted the runtime. */
	readonly restarts: number;
	/** The URL of a hostname label on this platform, e.g. `hello` → http://hello.localhost:8787/. */
	urlFor(label: string): string;
	stop(): Promise<void>;
}

/** Bundles a Worker the way wrangler does for workerd: ESM, workerd/worker conditions, cloudflare:* external. */
export async function bundleWorker(entry: string): Promise<string> {
	const result = await build({
		entryPoints: [entry],
		bundle: true,
		write: false,
		format: "esm",
		platform: "neutral",
		target: "es2024",
		conditions: ["workerd", "worker", "browser"],
		mainFields: ["browser", "module", "main"],
		external: ["cloudflare:*", "node:*"],
		logLevel: "silent",
	});
	return result.outputFiles[0]!.text;
}

async function workerOptions(config: string, routes: string[], overrides: Record<string, string>): Promise<V4WorkerOptions> {
	const configPath = path.join(ROOT, config);
	const { name } = unstable_readConfig({ config: configPath });
	const { workerOptions: options, main } = unstable_getMiniflareWorkerOptions(configPath);
	if (!main || !name) throw new Error(`${config} needs a name and a main module`);
	const contents = await bundleWorker(main);
	return {
		...options,
		name,
		rootPath: undefined,
		modules: [{ type: "ESModule", path: path.join(path.dirname(configPath), "index.js"), contents }],
		routes,
		bindings: { ...(options.bindings as Record<string, unknown>), ...overrides },
	} as V4WorkerOptions;
}

/** The admin token kept in workers/api/.dev.vars, created on first start (wrangler reads the same file). */
export function localAdminToken(): string {
	const file = path.join(ROOT, "workers", "api", ".dev.vars");
	const existing = existsSync(file) ? readFileSync(file, "utf8").match(/^FERRY_ADMIN_TOKEN\s*=\s*"?([^"\n]+)"?/m)?.[1] : undefined;
	if (existing) return existing;
	const token = `ferry_admin_${randomBytes(24).toString("base64url")}`;
	writeFileSync(file, `${existsSync(file) ? `${readFileSync(file, "utf8").trimEnd()}\n` : ""}FERRY_ADMIN_TOKEN="${token}"\n`, { mode: 0o600 });
	return token;
}

/** `wrangler d1 migrations apply --local` against the platform's state directory. */
export async function applyMigrations(stateDir: string): Promise<void> {
	const wrangler = path.join(ROOT, "node_modules", ".bin", "wrangler");
	await promisify(execFile)(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir], {
		cwd: ROOT,
		env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
	});
}

export async function startLocalPlatform(options: LocalPlatformOptions = {}): Promise<LocalPlatform> {
	const stateDir = options.stateDir ?? DEFAULT_STATE_DIR;
	mkdirSync(stateDir, { recursive: true });
	if (options.migrate ?? true) await applyMigrations(stateDir);
	const adminToken = options.adminToken ?? localAdminToken();
	const domain = "localhost";
	const workers = await Promise.all(
		WORKERS.map(({ config, routes }) =>
			workerOptions(config, routes, { PLATFORM_DOMAIN: domain, FERRY_ADMIN_TOKEN: adminToken }),
		),
	);
	// Only the API holds the admin token.
	delete (workers[0]!.bindings as Record<string, string>).FERRY_ADMIN_TOKEN;

	const miniflareOptions = (port: number) =>
		convertV4MiniflareOptions({
			host: options.host ?? "127.0.0.1",
			port,
			// wrangler's --persist-to layout, so `wrangler d1 … --local --persist-to <stateDir>` sees the same data.
			resourcePersistencePath: path.join(stateDir, "v3"),
			log: new Log(options.verbose ? LogLevel.INFO : LogLevel.WARN),
			// No network here: do not fetch the Request.cf sample from Cloudflare.
			cf: false,
			workers,
		});
	let mf = new Miniflare(miniflareOptions(options.port ?? 8787));
	const url = await mf.ready;
	const port = Number(url.port);
	const urlFor = (label: string) => `http://${label}.${domain}:${port}/`;

	let restarts = 0;
	const watchdog =
		options.watchdog === false
			? undefined
			: new Watchdog({
					...options.watchdog,
					// The API's root answers without touching storage: any answer means the event loop is free.
					probe: async (signal) => {
						await (await loopbackFetch(urlFor("api"), { signal })).arrayBuffer();
					},
					restart: async () => {
						await mf.dispose();
						mf = new Miniflare(miniflareOptions(port));
						await mf.ready;
						restarts++;
					},
					onRestart: () =>
						console.error("[ferry] the local runtime stopped answering (a tenant script in an endless loop?); restarting it"),
				}).start();

	return {
		url,
		port,
		adminToken,
		get restarts() {
			return restarts;
		},
		urlFor,
		stop: async () => {
			watchdog?.stop();
			await mf.dispose();
		},
	};
}
