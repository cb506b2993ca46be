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
 *
 * And on `edge-hop.localhost`, the same forwarding Worker in a second workerd process, reaching the
 * hello world's socket through an external service binding with the headers the platform's edge
 * adds (local/supervisor/processes.ts): the hop every dispatched request also takes, from the edge
 * in the control process to a runtime process, so edge hop ÷ direct bounds what a platform of
 * several processes behind one port can reach, before any isolate boundary.
 */
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare } from "miniflare";
import { freePorts } from "../local/ports.ts";
import { requestFacts } from "../local/supervisor/processes.ts";
import { onCleanup } from "./cleanup.ts";
import { COMPATIBILITY_DATE, helloWorker } from "./hello.ts";

export const DIRECT_HOST = "hello.localhost";
export const HOP_HOST = "hop.localhost";
export const EDGE_HOP_HOST = "edge-hop.localhost";

export interface Baseline {
	/** Miniflare's entry socket (on workerd's command line: bench/workerd-memory.ts finds the process by it). */
	entryPort: number;
	/** The hello world's own socket. */
	port: number;
	/** The forwarding Worker's own socket. */
	hopPort: number;
	/** The forwarding Worker of the second process: the edge's hop to another process. */
	edgeHopPort: number;
	/** The second process's entry socket. */
	edgeHopEntryPort: number;
	stop(): Promise<void>;
}

const HOP_WORKER = "export default { fetch: (request, env) => env.HELLO.fetch(request) };\n";

export async function startBaseline(): Promise<Baseline> {
	const [entryPort = 0, port = 0, hopPort = 0, edgeHopEntryPort = 0, edgeHopPort = 0] = await freePorts(5);
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
	const edgeHop = new Miniflare(
		convertV4MiniflareOptions({
			host: "127.0.0.1",
			port: edgeHopEntryPort,
			log: new Log(LogLevel.WARN),
			cf: false,
			workers: [
				{
					name: "edge-hop",
					compatibilityDate: COMPATIBILITY_DATE,
					// As the edge's binding to a runtime process's socket.
					serviceBindings: {
						HELLO: { external: { address: `127.0.0.1:${port}`, http: { injectRequestHeaders: requestFacts("127.0.0.1") } } },
					},
					unsafeDirectSockets: [{ host: "127.0.0.1", port: edgeHopPort }],
					modules: [{ type: "ESModule", path: "hop.js", contents: HOP_WORKER }],
				},
			],
		}),
	);
	const dispose = () => Promise.all([mf.dispose(), edgeHop.dispose()]).then(() => undefined);
	const forget = onCleanup(dispose);
	await Promise.all([mf.ready, edgeHop.ready]);
	return {
		entryPort,
		port,
		hopPort,
		edgeHopPort,
		edgeHopEntryPort,
		stop: async () => {
			forget();
			await dispose();
		},
	};
}
