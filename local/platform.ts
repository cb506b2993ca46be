/**
 * The whole platform on one machine: the dispatcher and the API Worker in one workerd process
 * (Miniflare), on one port, with D1 and R2 persisted on disk. `npm run dev`, the end-to-end tests,
 * the CLI tests and the benchmarks all start it through here.
 *
 * Why Miniflare rather than `wrangler dev`: wrangler's dev proxy halves the throughput of a hello
 * world on these machines (~600 vs ~1,200 req/s). Bindings still come from the wrangler configs.
 *
 * A start with existing state skips what an earlier start already did: the D1 migrations when the
 * migration files are unchanged (./migrations.ts), and loading wrangler and bundling the Workers when
 * no config or source changed (./workers.ts). Both checks read files only.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare } from "miniflare";
import { loopbackFetch } from "../loopback/index.ts";
import { type Domains, localDomains, platformHost } from "./domains.ts";
import { egressOutbound, parseHosts, withHosts } from "./egress.ts";
import { failInterruptedBefore } from "./interrupted.ts";
import { migrateIfChanged } from "./migrations.ts";
import { DEFAULT_STATE_DIR, ROOT } from "./paths.ts";
import { PortInUseError } from "./ports.ts";
import { Watchdog } from "./watchdog.ts";
import { inMiniflareOrder, platformWorkers } from "./workers.ts";

// wrangler warns that FERRY_ADMIN_TOKEN is not in .dev.vars when the caller passes its own; the
// platform passes the token explicitly below, so only wrangler's errors are worth showing.
process.env.WRANGLER_LOG ??= "error";

export interface LocalPlatformOptions {
	port?: number;
	host?: string;
	/** Where D1 and R2 live (wrangler's --persist-to layout). */
	stateDir?: string;
	adminToken?: string;
	/** Print workerd's logs (tenant console output, platform logs). */
	verbose?: boolean;
	/** Apply the D1 migrations with wrangler first, unless these files were applied already (default true). */
	migrate?: boolean;
	/** The platform's and the tenants' domains (./domains.ts); both default to localhost. */
	domains?: Partial<Domains>;
	/** Tests only: hold deployments at a state (workers/api/src/deploy/test-hold.ts); never set otherwise. */
	testDeployHold?: string;
	/** Tests only: `name=address,…` the egress way out resolves before asking DNS (./egress.ts). */
	testEgressHosts?: string;
	/** Restart the runtime when it stops answering (a tenant's endless loop); default true. */
	watchdog?: { intervalMs?: number; timeoutMs?: number } | false;
}

export interface LocalPlatform {
	url: URL;
	port: number;
	adminToken: string;
	domains: Domains;
	/** The API's base URL, e.g. http://api.localhost:8787 */
	apiUrl: string;
	/** How many times the watchdog restarted the runtime. */
	readonly restarts: number;
	/** The URL of a tenant hostname label on this platform, e.g. `hello` → http://hello.localhost:8787/. */
	urlFor(label: string): string;
	stop(): Promise<void>;
}

/** The admin token kept in workers/api/.dev.vars, created on first start (wrangler reads the same file). */
export function localAdminToken(): string {
	const file = path.join(ROOT, "workers", "api", ".dev.vars");
	const existing = existsSync(file) ? readFileSync(file, "utf8").match(/^FERRY_ADMIN_TOKEN\s*=\s*"?([^"\n]+)"?/m)?.[1] : undefined;
	if (existing) return existing;
	const token = `ferry_admin_${randomBytes(24).toString("base64url")}`;
	writeFileSync(file, `${existsSync(file) ? `${readFileSync(file, "utf8").trimEnd()}\n` : ""}FERRY_ADMIN_TOKEN="${token}"\n`, {
		mode: 0o600,
	});
	return token;
}

export async function startLocalPlatform(options: LocalPlatformOptions = {}): Promise<LocalPlatform> {
	const startedAt = Date.now();
	const stateDir = options.stateDir ?? DEFAULT_STATE_DIR;
	mkdirSync(stateDir, { recursive: true });
	const adminToken = options.adminToken ?? localAdminToken();
	const domains = localDomains(options.domains);
	const egressResolve = withHosts(parseHosts(options.testEgressHosts));
	const [, workers] = await Promise.all([
		(options.migrate ?? true) ? migrateIfChanged(stateDir) : undefined,
		platformWorkers(
			stateDir,
			{
				dispatcher: { TENANT_DOMAIN: domains.tenant },
				// Only the API holds the admin token.
				api: {
					PLATFORM_DOMAIN: domains.platform,
					TENANT_DOMAIN: domains.tenant,
					FERRY_ADMIN_TOKEN: adminToken,
					...(options.testDeployHold ? { FERRY_TEST_DEPLOY_HOLD: options.testDeployHold } : {}),
				},
			},
			// Requests no route matches go to the dispatcher (Miniflare's first Worker).
			{ api: [`${platformHost("api", domains)}/*`] },
		),
	]);

	// Tenant subrequests leave through the dispatcher's fetch(): resolved and checked by address in Node.
	const withEgress = { ...workers, dispatcher: { ...workers.dispatcher, outboundService: egressOutbound(egressResolve) } };
	const miniflareOptions = (port: number) =>
		convertV4MiniflareOptions({
			host: options.host ?? "127.0.0.1",
			port,
			// wrangler's --persist-to layout, so `wrangler d1 … --local --persist-to <stateDir>` sees the same data.
			resourcePersistencePath: path.join(stateDir, "v3"),
			log: new Log(options.verbose ? LogLevel.INFO : LogLevel.WARN),
			// No network here: do not fetch the Request.cf sample from Cloudflare.
			cf: false,
			workers: inMiniflareOrder(withEgress),
		});
	const wantedPort = options.port ?? 8787;
	let mf = new Miniflare(miniflareOptions(wantedPort));
	let url: URL;
	try {
		url = await mf.ready;
	} catch (error) {
		await mf.dispose().catch(() => undefined);
		// Miniflare tells a taken address by its error code (workerd's own message is on its stderr).
		if ((error as { code?: unknown }).code === "ERR_ADDRESS_IN_USE") throw new PortInUseError(wantedPort, { cause: error });
		throw error;
	}
	// Not awaited: it only touches deployments older than this start, so requests need not wait for it
	// (~0.1 s, most of it Miniflare's binding proxy starting).
	let interrupted = failInterruptedBefore(mf, workers.api.name!, startedAt);
	const port = Number(url.port);
	const urlFor = (label: string) => `http://${label}.${domains.tenant}:${port}/`;
	const apiUrl = `http://${platformHost("api", domains)}:${port}`;

	let restarts = 0;
	const watchdog =
		options.watchdog === false
			? undefined
			: new Watchdog({
					...options.watchdog,
					// The API's root answers without touching storage: any answer means the event loop is free.
					probe: async (signal) => {
						await (await loopbackFetch(`${apiUrl}/`, { signal })).arrayBuffer();
					},
					restart: async () => {
						const restartedAt = Date.now();
						await mf.dispose();
						mf = new Miniflare(miniflareOptions(port));
						await mf.ready;
						interrupted = failInterruptedBefore(mf, workers.api.name!, restartedAt);
						restarts++;
					},
					onRestart: () =>
						console.error("[ferry] the local runtime stopped answering (a tenant script in an endless loop?); restarting it"),
				}).start();

	return {
		url,
		port,
		adminToken,
		domains,
		apiUrl,
		get restarts() {
			return restarts;
		},
		urlFor,
		stop: async () => {
			watchdog?.stop();
			await interrupted;
			await mf.dispose();
		},
	};
}
