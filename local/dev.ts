/**
 * `npm run dev`: applies migrations (when they changed), starts the local platform and prints how to
 * use it. A restart with existing state reuses what the last start prepared (see platform.ts).
 * Flags: --port N (default 8787; or PORT), --state DIR (default .ferry/state), --verbose (workerd and
 * tenant logs). FERRY_ADMIN_TOKEN in the environment overrides the token kept in workers/api/.dev.vars.
 */
import module from "node:module";
import path from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_STATE_DIR, ROOT } from "./paths.ts";

// Node keeps the bytecode of what it compiled (miniflare, undici, …) in its temp directory, so a
// restart skips most of the ~1 s spent importing them. Imported below, after this, for that reason.
module.enableCompileCache?.();
const { startLocalPlatform } = await import("./platform.ts");

const { values } = parseArgs({
	options: {
		port: { type: "string", default: process.env.PORT ?? "8787" },
		state: { type: "string", default: DEFAULT_STATE_DIR },
		verbose: { type: "boolean", default: false },
	},
});

const platform = await startLocalPlatform({
	port: Number(values.port),
	stateDir: path.resolve(values.state),
	adminToken: process.env.FERRY_ADMIN_TOKEN || undefined,
	verbose: values.verbose,
});
// Since the process started (performance's time origin), module loading included.
const ms = Math.round(performance.now());
const api = platform.urlFor("api").replace(/\/$/, "");
const rel = (p: string) => path.relative(ROOT, p);

console.log(`
Ferry is running (ready in ${ms} ms)
  API           ${api}/v1
  Scripts       ${platform.urlFor("<name>")}
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

const stop = async () => {
	await platform.stop();
	process.exit(0);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
