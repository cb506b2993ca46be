/**
 * The whole platform on one machine: `npm run dev`, the end-to-end and CLI tests and the benchmarks
 * all start it through here. Several workerd processes (Miniflare), supervised from this Node process
 * (./supervisor/): the control process (the edge on the public port, the API, D1 and R2 persisted on
 * disk), K runtime processes sharing the tenants' isolates (the dispatcher's own code), and the probe
 * process the API's Loaded probe runs in. Tenant code never runs in the control process, so a tenant's
 * endless loop or memory blow-up never stops the API; docs/architecture.md has the whole picture.
 *
 * Why Miniflare rather than `wrangler dev`: wrangler's dev proxy halves the throughput of a hello
 * world on these machines. Bindings still come from the wrangler configs.
 *
 * A start with existing state skips what an earlier start already did: the D1 migrations when the
 * migration files are unchanged (./migrations.ts), and loading wrangler and bundling the Workers when
 * no config or source changed (./workers.ts). Both checks read files only.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describeError } from "../workers/shared/describe-error.ts";
import { LIMITS } from "../workers/shared/limits.ts";
import type { ScheduledRun } from "../workers/shared/schedules/runs.ts";
import { type Domains, localDomains, platformHost } from "./domains.ts";
import { egressOutbound, parseHosts, withHosts } from "./egress.ts";
import { failInterruptedBefore } from "./interrupted.ts";
import { migrateIfChanged } from "./migrations.ts";
import { DEFAULT_STATE_DIR, ROOT } from "./paths.ts";
import { assertPortFree, PortInUseError } from "./ports.ts";
import { type HealthOptions, Supervisor, type SupervisorEvent } from "./supervisor/index.ts";
import { type PlatformWorkers, platformWorkers } from "./workers.ts";

// wrangler warns that FERRY_ADMIN_TOKEN is not in .dev.vars when the caller passes its own; the
// platform passes the token explicitly below, so only wrangler's errors are worth showing.
process.env.WRANGLER_LOG ??= "error";

/** Runtime processes by default: one per core of the 2-core machines this is measured on. */
export const DEFAULT_RUNTIMES = 2;
/** Tenant isolates a runtime process may start before it is replaced (docs/reliability.md has the ceiling). */
export const DEFAULT_RECYCLE_AFTER = 1_000;

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
	/** Runtime processes tenant hosts are spread over (default 2). */
	runtimes?: number;
	/** Tenant isolates a runtime process may start before it is replaced (default 1,000). */
	recycleAfter?: number;
	/** How long a request may wait for the tenant's response headers (default LIMITS.requestWallClockMs). */
	wallClockLimitMs?: number;
	/** The supervisor's health checks (default every 250 ms, 1 s timeout); false: none (nothing restarts). */
	health?: HealthOptions | false;
	/** Told what the supervisor did (default: a line on stderr for each restart, quarantine, recycle). */
	onEvent?: (event: SupervisorEvent) => void;
	/** Work to run at the start of every UTC minute while the platform runs (after its cron triggers started). */
	onMinute?: (minute: number) => Promise<void>;
	/**
	 * Tests only: cron triggers fire only for the minutes a test asks for (`runMinute`, or the
	 * Supervision surface's POST /minute with any time), never on their own.
	 */
	testClock?: boolean;
	/** The platform's and the tenants' domains (./domains.ts); both default to localhost. */
	domains?: Partial<Domains>;
	/**
	 * False: tenant code runs untraced (no tail consumer, so no logs, tail, metrics or usage). Only
	 * the bench sets it, for its "collection off" comparison (docs/benchmarks.md). Default true.
	 */
	telemetry?: boolean;
	/** Tests only: hold deployments at a state (workers/api/src/deploy/test-hold.ts); never set otherwise. */
	testDeployHold?: string;
	/** Tests only: `name=address,…` the egress way out resolves before asking DNS (./egress.ts). */
	testEgressHosts?: string;
}

export interface LocalPlatform {
	url: URL;
	port: number;
	adminToken: string;
	/** Runtime processes tenant hosts are spread over. */
	runtimes: number;
	domains: Domains;
	/** The API's base URL, e.g. http://api.localhost:8787 */
	apiUrl: string;
	/** The panel's URL, e.g. http://dash.localhost:8787/ */
	panelUrl: string;
	/** How many wedged processes the supervisor replaced. */
	readonly restarts: number;
	/** Runs the cron triggers due at the minute `at` falls in (with `testClock`: any minute) and answers the runs. */
	runMinute(at: number): Promise<ScheduledRun[]>;
	/** With `testClock`: where the Supervision surface is, for tests in other processes (POST /minute). */
	testClock?: { url: string; token: string };
	/** The URL of a tenant hostname label on this platform, e.g. `hello` → http://hello.localhost:8787/. */
	urlFor(label: string): string;
	/** The Miniflare entry ports of the workerd processes running now (bench/workerd-memory.ts). */
	workerdPorts(): number[];
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

/**
 * FERRY_SECRETS_KEY kept in workers/api/.dev.vars beside the admin token, created on first start:
 * it seals tenants' secrets in the local D1 (docs/secrets.md), so it must outlive the platform.
 */
export function localSecretsKey(): string {
	const file = path.join(ROOT, "workers", "api", ".dev.vars");
	const existing = existsSync(file) ? readFileSync(file, "utf8").match(/^FERRY_SECRETS_KEY\s*=\s*"?([^"\n]+)"?/m)?.[1] : undefined;
	if (existing) return existing;
	const key = randomBytes(32).toString("base64url");
	writeFileSync(file, `${existsSync(file) ? `${readFileSync(file, "utf8").trimEnd()}\n` : ""}FERRY_SECRETS_KEY="${key}"\n`, {
		mode: 0o600,
	});
	return key;
}

/** One line on stderr per thing the supervisor did, for people watching `npm run dev`. */
export function describeEvent(event: SupervisorEvent): string {
	switch (event.type) {
		case "wedged":
			return `${event.process} ${event.reason === "unresponsive" ? "stopped answering" : "exited"}${event.inFlight.length > 0 ? ` with ${[...new Set(event.inFlight)].join(", ")} in flight` : ""}; replacing it`;
		case "restarted":
			return `${event.process} replaced in ${event.ms} ms`;
		case "quarantined":
			return `quarantined deployment ${event.deploymentId} of script ${event.scriptName} (${event.label}) until ${new Date(event.until).toISOString()}: it exceeded its limits`;
		case "isolated":
			return `${event.labels.join(", ")} moved to isolation runtimes (one each) while one of them is suspected`;
		case "recycled":
			return `${event.process} recycled after ${event.isolates} isolates (${event.ms} ms)`;
		case "failed":
			return `${event.process}: ${describeError(event.error)}`;
	}
}

/** The runtime Worker without its TELEMETRY binding: the dispatcher then gives tenant isolates no tail consumer. */
function untraced(workers: PlatformWorkers): PlatformWorkers {
	const { TELEMETRY: _, ...serviceBindings } = (workers.runtime.serviceBindings ?? {}) as Record<string, unknown>;
	return { ...workers, runtime: { ...workers.runtime, serviceBindings } as PlatformWorkers["runtime"] };
}

export async function startLocalPlatform(options: LocalPlatformOptions = {}): Promise<LocalPlatform> {
	const startedAt = Date.now();
	const stateDir = options.stateDir ?? DEFAULT_STATE_DIR;
	mkdirSync(stateDir, { recursive: true });
	const adminToken = options.adminToken ?? localAdminToken();
	const secretsKey = localSecretsKey();
	const domains = localDomains(options.domains);
	const runtimes = options.runtimes ?? DEFAULT_RUNTIMES;
	const [, loaded] = await Promise.all([
		(options.migrate ?? true) ? migrateIfChanged(stateDir) : undefined,
		platformWorkers(stateDir, {
			// Only the API holds the admin token; the secrets key, the API and the control Worker (one process).
			api: {
				PLATFORM_DOMAIN: domains.platform,
				TENANT_DOMAIN: domains.tenant,
				FERRY_ADMIN_TOKEN: adminToken,
				FERRY_SECRETS_KEY: secretsKey,
				...(options.testDeployHold ? { FERRY_TEST_DEPLOY_HOLD: options.testDeployHold } : {}),
			},
			// The edge: api.<platform domain> to the API, dash. to the panel, hosts under the tenant domain to the runtimes.
			// The control Worker's PlatformServices opens deployments' secrets for the runtime processes.
			control: { PLATFORM_DOMAIN: domains.platform, TENANT_DOMAIN: domains.tenant, FERRY_SECRETS_KEY: secretsKey },
			panel: { PLATFORM_DOMAIN: domains.platform },
			runtime: { TENANT_DOMAIN: domains.tenant },
		}),
	]);

	const workers = options.telemetry === false ? untraced(loaded) : loaded;
	const host = options.host ?? "127.0.0.1";
	const wantedPort = options.port ?? 8787;
	// Tenant subrequests leave through the runtime processes' fetch(): resolved and checked by address in Node.
	const outbound = egressOutbound(withHosts(parseHosts(options.testEgressHosts)));
	// Said before any process starts; the processes' own ports are chosen free just before they start.
	await assertPortFree(host, wantedPort);
	const start = () =>
		Supervisor.start({
			workers,
			stateDir,
			host,
			port: wantedPort,
			runtimes,
			recycleAfter: options.recycleAfter ?? DEFAULT_RECYCLE_AFTER,
			wallClockLimitMs: options.wallClockLimitMs ?? LIMITS.requestWallClockMs,
			outbound,
			verbose: options.verbose ?? false,
			health: options.health ?? {},
			onEvent: options.onEvent ?? ((event) => console.error(`[ferry] ${describeEvent(event)}`)),
			...(options.onMinute ? { onMinute: options.onMinute } : {}),
			testClock: options.testClock ?? false,
		});
	const supervisor = await start().catch((error: unknown) => {
		// Miniflare tells a taken address by its error code: the public port taken since the check, or one
		// of the processes' ports taken between choosing it and listening. Once more, with new ports.
		if ((error as { code?: unknown }).code !== "ERR_ADDRESS_IN_USE") throw error;
		return start().catch((again: unknown) => {
			if ((again as { code?: unknown }).code === "ERR_ADDRESS_IN_USE") throw new PortInUseError(wantedPort, { cause: again });
			throw again;
		});
	});
	// Not awaited: it only touches deployments older than this start, so requests need not wait for it
	// (~0.1 s, most of it Miniflare's binding proxy starting). The API lives in the control process,
	// which the supervisor never restarts, so once per start is enough.
	const interrupted = failInterruptedBefore(supervisor.controlMiniflare, workers.api.name!, startedAt);
	const port = supervisor.port;
	const urlFor = (label: string) => `http://${label}.${domains.tenant}:${port}/`;
	const apiUrl = `http://${platformHost("api", domains)}:${port}`;
	const panelUrl = `http://${platformHost("dash", domains)}:${port}/`;
	return {
		url: new URL(`http://${host}:${port}/`),
		port,
		adminToken,
		runtimes,
		domains,
		apiUrl,
		panelUrl,
		get restarts() {
			return supervisor.restarts;
		},
		urlFor,
		runMinute: (at) => supervisor.runMinute(at),
		...(options.testClock ? { testClock: { url: supervisor.supervision.url.href, token: supervisor.supervision.token } } : {}),
		workerdPorts: () => supervisor.entryPorts(),
		stop: async () => {
			await interrupted;
			await supervisor.stop();
		},
	};
}
