/**
 * `npm run dev`: applies migrations (when they changed), starts the local platform and prints how to
 * use it. A restart with existing state reuses what the last start prepared (see platform.ts).
 * Flags: --port N (default 8787; or PORT; 0 lets the OS pick), --state DIR (default .ferry/state),
 * --platform-domain D and --tenant-domain D (or PLATFORM_DOMAIN, TENANT_DOMAIN; default localhost
 * both: see domains.ts), --verbose (workerd and tenant logs), --ready-file FILE (see below),
 * --runtimes N (runtime processes, default 2), --recycle-after N (tenant isolates a runtime process
 * may start before it is replaced, default 1,000), --wall-clock-limit MS (per request, default
 * 30,000). FERRY_ADMIN_TOKEN in the environment overrides the token kept in workers/api/.dev.vars.
 * FERRY_TEST_DEPLOY_HOLD and FERRY_TEST_EGRESS_HOSTS are for the reliability tests only
 * (workers/api/src/deploy/test-hold.ts, ./egress.ts).
 *
 * Readiness, for programs that start the platform (the end-to-end tests, scripts): with
 * --ready-file FILE, once the platform answers, FILE is written (whole, by a rename) with one JSON
 * object: {"pid", "port", "api", "tenantDomain", "readyMs"}. It is removed again when the platform stops. The banner
 * is for people and may change; the file's fields are the contract.
 */
import { renameSync, rmSync, writeFileSync } from "node:fs";
import module from "node:module";
import path from "node:path";
import { parseArgs } from "node:util";
import { DomainError, type Domains, localDomains, platformHost } from "./domains.ts";
import { DEFAULT_STATE_DIR, ROOT } from "./paths.ts";
import { PortInUseError } from "./ports.ts";

// Node keeps the bytecode of what it compiled (miniflare, undici, …) in its temp directory, so a
// restart skips most of the ~1 s spent importing them. Imported below, after this, for that reason.
module.enableCompileCache?.();
const { DEFAULT_RECYCLE_AFTER, DEFAULT_RUNTIMES, startLocalPlatform } = await import("./platform.ts");
const { LIMITS } = await import("../workers/shared/limits.ts");

/** What --ready-file holds once the platform answers. */
export interface ReadyFile {
	pid: number;
	port: number;
	/** The API's base URL, e.g. http://api.localhost:8787 */
	api: string;
	/** Where tenant scripts answer: `<script>.<tenantDomain>:<port>`. */
	tenantDomain: string;
	/** Since the process started (performance's time origin), module loading included. */
	readyMs: number;
}

const { values } = parseArgs({
	options: {
		port: { type: "string", default: process.env.PORT ?? "8787" },
		state: { type: "string", default: DEFAULT_STATE_DIR },
		"platform-domain": { type: "string", default: process.env.PLATFORM_DOMAIN },
		"tenant-domain": { type: "string", default: process.env.TENANT_DOMAIN },
		verbose: { type: "boolean", default: false },
		"ready-file": { type: "string" },
		runtimes: { type: "string", default: String(DEFAULT_RUNTIMES) },
		"recycle-after": { type: "string", default: String(DEFAULT_RECYCLE_AFTER) },
		"wall-clock-limit": { type: "string", default: String(LIMITS.requestWallClockMs) },
	},
});

/** A flag that must be a whole number of at least `min`; anything else ends the start with one line. */
function wholeNumber(flag: string, value: string, min: number): number {
	const number = Number(value);
	if (Number.isInteger(number) && number >= min) return number;
	console.error(`✘ --${flag} must be a whole number of at least ${min}, not '${value}'`);
	process.exit(1);
}

let domains: Domains;
try {
	domains = localDomains({ platform: values["platform-domain"], tenant: values["tenant-domain"] });
} catch (error) {
	if (!(error instanceof DomainError)) throw error;
	console.error(`✘ ${error.message}`);
	process.exit(1);
}
const apiHost = platformHost("api", domains);

const platform = await startLocalPlatform({
	port: Number(values.port),
	stateDir: path.resolve(values.state),
	adminToken: process.env.FERRY_ADMIN_TOKEN || undefined,
	verbose: values.verbose,
	runtimes: wholeNumber("runtimes", values.runtimes, 1),
	recycleAfter: wholeNumber("recycle-after", values["recycle-after"], 1),
	wallClockLimitMs: wholeNumber("wall-clock-limit", values["wall-clock-limit"], 1),
	domains,
	testDeployHold: process.env.FERRY_TEST_DEPLOY_HOLD || undefined,
	testEgressHosts: process.env.FERRY_TEST_EGRESS_HOSTS || undefined,
}).catch((error: unknown) => {
	if (!(error instanceof PortInUseError)) throw error;
	const other = error.port + 1;
	console.error(
		`✘ port ${error.port} is in use (another npm run dev?): stop what listens there, or pick another port with --port, e.g. npm run dev -- --port ${other} (then ferry login --api-url http://${apiHost}:${other})`,
	);
	process.exit(1);
});
const readyMs = Math.round(performance.now());
const api = platform.apiUrl;
const rel = (p: string) => path.relative(ROOT, p);

console.log(`
Ferry is running (ready in ${readyMs} ms)
  API           ${api}/v1
  Panel         ${platform.panelUrl} (sign in with a tenant's token, or the admin token for the operator's view)
  Scripts       ${platform.urlFor("<name>")}
  Port          ${platform.port} (another: npm run dev -- --port N; then ferry login --api-url http://${apiHost}:N)
  Runtimes      ${platform.runtimes} processes for tenant code, apart from the API (another count: --runtimes N)
  State         ${rel(path.resolve(values.state))}/ (local D1 + R2; delete it to start over)
  Admin token   ${process.env.FERRY_ADMIN_TOKEN ? "FERRY_ADMIN_TOKEN from the environment" : "FERRY_ADMIN_TOKEN in workers/api/.dev.vars"}

Try it (in another terminal):
  export FERRY_ADMIN_TOKEN=$(sed -n 's/^FERRY_ADMIN_TOKEN="\\(.*\\)"/\\1/p' workers/api/.dev.vars)
  curl -s -X POST ${api}/v1/tenants -H "authorization: Bearer $FERRY_ADMIN_TOKEN" \\
    -H 'content-type: application/json' -d '{"name":"acme"}'
  export TOKEN=<token.token from the answer>
  echo 'export default { fetch: () => new Response("hello from ferry\\n") }' > hello.js
  curl -s -X PUT ${api}/v1/scripts/hello -H "authorization: Bearer $TOKEN" \\
    -F 'metadata={"main_module":"hello.js"}' -F 'hello.js=@hello.js;type=application/javascript+module'
  curl ${platform.urlFor("hello")}

Press Ctrl-C to stop.`);

const readyFile = values["ready-file"] && path.resolve(values["ready-file"]);
if (readyFile) {
	const ready: ReadyFile = { pid: process.pid, port: platform.port, api, tenantDomain: platform.domains.tenant, readyMs };
	// Written aside and renamed: whoever waits for the file never reads half of it.
	writeFileSync(`${readyFile}.${process.pid}.tmp`, `${JSON.stringify(ready)}\n`);
	renameSync(`${readyFile}.${process.pid}.tmp`, readyFile);
}

const stop = async () => {
	if (readyFile) rmSync(readyFile, { force: true });
	await platform.stop();
	process.exit(0);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
