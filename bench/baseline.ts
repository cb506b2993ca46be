/**
 * The baseline: the same hello world served directly by a Miniflare instance of the same workerd
 * (no dispatcher, no route lookup, no Worker Loader), on its own port. Dispatched ÷ direct is the
 * platform's share of the cost of a request.
 *
 * Each Worker listens on a direct socket of its own, as the platform's edge does (local/supervisor/
 * processes.ts), not behind Miniflare's entry worker, which alone costs most of a hello world's
 * throughput (~6,500 vs ~23,000 req/s on the 2-core machines): measured behind it, the baseline
 * would be slower than the platform it is the baseline for.
 *
 * Beside it, on `hop.localhost`, a reference for what any isolate boundary costs: a Worker that only
 * forwards each request to the hello world through a service binding. Tenant isolation needs one
 * such boundary (the dispatcher's isolate → the tenant's), so hop ÷ direct bounds what a dispatcher
 * on this runtime can reach, whatever its own code does.
 */
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare } from "miniflare";
import { freePorts } from "../local/ports.ts";
import { onCleanup } from "./cleanup.ts";
import { COMPATIBILITY_DATE, helloWorker } from "./hello.ts";

export const DIRECT_HOST = "hello.localhost";
export const HOP_HOST = "hop.localhost";

export interface Baseline {
	/** The hello world's own socket. */
	port: number;
	/** The forwarding Worker's own socket. */
	hopPort: number;
	stop(): Promise<void>;
}

const HOP_WORKER = "export default { fetch: (request, env) => env.HELLO.fetch(request) };\n";

export async function startBaseline(): Promise<Baseline> {
	const [entryPort = 0, port = 0, hopPort = 0] = await freePorts(3);
	// Options in the shape local/supervisor/processes.ts gives them, so the instances are configured alike.
	const mf = new Miniflare(
		convertV4MiniflareOptions({
			host: "127.0.0.1",
			port: entryPort,
			log: new Log(LogLevel.WARN),
			// As the platform: no network, so no fetch of the Request.cf sample.
			cf: false,
			workers: [
				{
					name: "hello",
					compatibilityDate: COMPATIBILITY_DATE,
					unsafeDirectSockets: [{ host: "127.0.0.1", port }],
					modules: [{ type: "ESModule", path: "hello.js", contents: helloWorker() }],
				},
				{
					name: "hop",
					compatibilityDate: COMPATIBILITY_DATE,
					serviceBindings: { HELLO: "hello" },
					unsafeDirectSockets: [{ host: "127.0.0.1", port: hopPort }],
					modules: [{ type: "ESModule", path: "hop.js", contents: HOP_WORKER }],
				},
			],
		}),
	);
	await mf.ready;
	const forget = onCleanup(() => mf.dispose());
	return {
		port,
		hopPort,
		stop: async () => {
			forget();
			await mf.dispose();
		},
	};
}
