/**
 * The platform's workerd processes, one Miniflare each:
 *
 *   control   the control Worker (the edge on the public port), the API, the panel, telemetry and tenants'
 *             resources, with D1, R2 and Durable Objects persisted
 *   runtime   the dispatcher (runtime Worker) with LOADER and PLATFORM; a slot's process
 *   probe     the same Worker, serving the API's Loaded probe
 *
 * The processes reach each other through external service bindings to direct sockets (no Miniflare
 * entry worker in between, which costs most of a hello world's throughput). A service binding in a
 * wrangler config that names a Worker of another process becomes such an external binding here; the
 * control Worker also gets one binding per side of every slot (../control/bindings.ts).
 */
import path from "node:path";
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare, type V4WorkerOptions } from "miniflare";
import { probeBinding, routeControlBinding, runtimeBinding, SIDES, type Side, schedulerBinding } from "../control/bindings.ts";
import { freePort } from "../ports.ts";
import type { PlatformWorkers } from "../workers.ts";

const LOOPBACK = "127.0.0.1";

/** The ports of one side of a slot (chosen before any process starts, so all can start at once). */
export interface SidePorts {
	/** The dispatcher's fetch handler (runtime), or the Probe entrypoint (probe process). */
	serve: number;
	/** The dispatcher's RouteControl (runtime processes only). */
	routeControl: number;
	/** The dispatcher's Scheduler: the minute tick's cron triggers (runtime processes only). */
	scheduler: number;
}

export type SlotPorts = Record<Side, SidePorts>;

export interface ProcessOptions {
	verbose: boolean;
	/** Told when workerd exited and Miniflare restarted it (a heap abort); the supervisor replaces the process. */
	onCrash?: () => void;
}

/** A started workerd process. */
export interface PlatformProcess {
	mf: Miniflare;
	/** The Miniflare entry socket's port (on workerd's command line; the bench finds the process by it). */
	entryPort: number;
	dispose(): Promise<void>;
}

const external = (port: number, http: { injectRequestHeaders?: { name: string; value: string }[] } = {}) => ({
	external: { address: `${LOOPBACK}:${port}`, http },
});

/**
 * What Miniflare's entry worker would have given each request, which the edge's direct socket does
 * not: when the platform listens on loopback, CF-Connecting-IP (every client is on this machine; the
 * header a client sent is replaced), which workerd adds on the way to a runtime process. The other,
 * `request.cf`, is not carried here: the runtime Worker's LOCAL_REQUEST_CF var (wrangler.toml) is
 * handed to each tenant request by the dispatcher, since a request arriving with a `cf` has it
 * parsed and deep-cloned by every fetch() it goes through (docs/benchmarks.md).
 */
export function requestFacts(host: string): { name: string; value: string }[] {
	const loopback = host === "127.0.0.1" || host === "localhost" || host === "::1";
	return loopback ? [{ name: "CF-Connecting-IP", value: host === "::1" ? "::1" : "127.0.0.1" }] : [];
}

/** The entrypoint sockets of the control process that other processes' configs name: `worker#entrypoint` → port. */
export type ControlSockets = Record<string, number>;

/** The worker's service bindings, those naming a Worker of another process pointed at its socket. */
function linked(worker: V4WorkerOptions, elsewhere: ControlSockets): Record<string, unknown> {
	const bindings: Record<string, unknown> = { ...(worker.serviceBindings as Record<string, unknown>) };
	for (const [binding, target] of Object.entries(bindings)) {
		if (typeof target !== "object" || target === null || !("name" in target)) continue;
		const { name, entrypoint } = target as { name: string; entrypoint?: string };
		const port = elsewhere[`${name}#${entrypoint ?? ""}`];
		if (port !== undefined) bindings[binding] = external(port);
	}
	return bindings;
}

/** The control process's ports for the other processes: PlatformServices, the telemetry Worker's Telemetry, the resources Worker's Resources. */
export interface ControlPorts {
	platform: number;
	telemetry: number;
	resources: number;
}

/** The control process's sockets for the other processes (the Workers' names from their configs). */
export const controlSockets = (workers: PlatformWorkers, ports: ControlPorts): ControlSockets => ({
	[`${workers.control.name}#PlatformServices`]: ports.platform,
	[`${workers.telemetry.name}#Telemetry`]: ports.telemetry,
	[`${workers.resources.name}#Resources`]: ports.resources,
});

async function miniflare(workers: V4WorkerOptions[], options: ProcessOptions, persistTo?: string): Promise<Miniflare> {
	return new Miniflare(
		convertV4MiniflareOptions({
			// Miniflare's own entry socket: unused by clients (every socket that matters is a direct one).
			// Chosen here rather than by the OS, so workerd's command line names it (bench/workerd-memory.ts).
			host: LOOPBACK,
			port: await freePort(),
			...(persistTo ? { resourcePersistencePath: persistTo } : {}),
			log: new Log(options.verbose ? LogLevel.INFO : LogLevel.WARN),
			// No network here: do not fetch the Request.cf sample from Cloudflare.
			cf: false,
			...(options.onCrash ? { unsafeHandleRuntimeRestart: options.onCrash } : {}),
			workers,
		}),
	);
}

async function started(mf: Miniflare): Promise<PlatformProcess> {
	try {
		const entry = await mf.ready;
		return { mf, entryPort: Number(entry.port), dispose: () => mf.dispose() };
	} catch (error) {
		await mf.dispose().catch(() => undefined);
		throw error;
	}
}

export interface ControlProcessOptions extends ProcessOptions {
	workers: PlatformWorkers;
	/** The public socket: the edge. */
	host: string;
	port: number;
	/** PlatformServices and Telemetry, for the runtime processes' PLATFORM and TELEMETRY bindings. */
	controlPorts: ControlPorts;
	/** Every slot's ports, the isolation slot's last. */
	slots: SlotPorts[];
	probe: SlotPorts;
	supervisorToken: string;
	stateDir: string;
	/** Tests only: the supervision surface runs the minute tick for any time it is given (./../control/cron.ts). */
	testClock: boolean;
}

export interface ControlProcess extends PlatformProcess {
	/** The edge's port (the one asked for, or the one the OS chose for 0). */
	port: number;
	/** The Supervision entrypoint's socket. */
	supervisionUrl: URL;
}

export async function startControl(options: ControlProcessOptions): Promise<ControlProcess> {
	const { workers } = options;
	const slotBindings: Record<string, ReturnType<typeof external>> = {};
	const injectRequestHeaders = requestFacts(options.host);
	options.slots.forEach((ports, slot) => {
		for (const side of SIDES) {
			slotBindings[runtimeBinding(slot, side)] = external(ports[side].serve, { injectRequestHeaders });
			slotBindings[routeControlBinding(slot, side)] = external(ports[side].routeControl);
			slotBindings[schedulerBinding(slot, side)] = external(ports[side].scheduler);
		}
	});
	for (const side of SIDES) slotBindings[probeBinding(side)] = external(options.probe[side].serve);
	const control: V4WorkerOptions = {
		...workers.control,
		bindings: {
			...(workers.control.bindings as Record<string, unknown>),
			SUPERVISOR_TOKEN: options.supervisorToken,
			...(options.testClock ? { FERRY_TEST_CLOCK: "1" } : {}),
		},
		serviceBindings: { ...(workers.control.serviceBindings as Record<string, unknown>), ...slotBindings },
		unsafeDirectSockets: [
			{ host: options.host, port: options.port },
			{ host: LOOPBACK, port: options.controlPorts.platform, entrypoint: "PlatformServices" },
			{ host: LOOPBACK, port: 0, entrypoint: "Supervision" },
		],
	} as V4WorkerOptions;
	// wrangler's --persist-to layout, so `wrangler d1 … --local --persist-to <stateDir>` sees the same data.
	const telemetry: V4WorkerOptions = {
		...workers.telemetry,
		unsafeDirectSockets: [{ host: LOOPBACK, port: options.controlPorts.telemetry, entrypoint: "Telemetry" }],
	} as V4WorkerOptions;
	// Tenants' KV namespaces, persisted with the rest of the platform's state (they survive restarts).
	const resources: V4WorkerOptions = {
		...workers.resources,
		unsafeDirectSockets: [{ host: LOOPBACK, port: options.controlPorts.resources, entrypoint: "Resources" }],
	} as V4WorkerOptions;
	const process = await started(
		await miniflare([control, workers.api, workers.panel, telemetry, resources], options, path.join(options.stateDir, "v3")),
	);
	const name = workers.control.name!;
	const [edge, supervisionUrl] = await Promise.all([
		process.mf.unsafeGetDirectURL(name),
		process.mf.unsafeGetDirectURL(name, "Supervision"),
	]);
	return { ...process, port: Number(edge.port), supervisionUrl };
}

export interface RuntimeProcessOptions extends ProcessOptions {
	workers: PlatformWorkers;
	role: "runtime" | "probe";
	ports: SidePorts;
	/** Where the control process's entrypoints are (controlSockets). */
	control: ControlSockets;
	wallClockLimitMs: number;
	/**
	 * The Worker's own fetch()es: where the egress gate (FerryEgress, which runs here) sends the
	 * tenant subrequests it allowed, resolved and checked by address in Node (../egress.ts).
	 */
	outbound: (request: Request) => Promise<Response>;
	/**
	 * Where tenants' Durable Objects are kept (the dispatcher's FerryObjectHost, docs/bindings.md): one
	 * directory for every runtime process, so an object finds its storage in whichever process serves
	 * its script (a replacement, another slot after a wedge). The probe process keeps none.
	 */
	objectsDir?: string;
}

export interface RuntimeProcess extends PlatformProcess {
	/** The Health entrypoint's socket, which the supervisor probes. */
	healthUrl: URL;
}

export async function startRuntime(options: RuntimeProcessOptions): Promise<RuntimeProcess> {
	const { runtime } = options.workers;
	const sockets =
		options.role === "runtime"
			? [
					{ host: LOOPBACK, port: options.ports.serve },
					{ host: LOOPBACK, port: options.ports.routeControl, entrypoint: "RouteControl" },
					{ host: LOOPBACK, port: options.ports.scheduler, entrypoint: "Scheduler" },
				]
			: [{ host: LOOPBACK, port: options.ports.serve, entrypoint: "Probe" }];
	const worker: V4WorkerOptions = {
		...runtime,
		bindings: { ...(runtime.bindings as Record<string, unknown>), WALL_CLOCK_LIMIT_MS: String(options.wallClockLimitMs) },
		// PLATFORM names the control Worker's PlatformServices, in the control process.
		serviceBindings: linked(runtime, options.control),
		outboundService: options.outbound,
		unsafeDirectSockets: [...sockets, { host: LOOPBACK, port: 0, entrypoint: "Health" }],
	} as V4WorkerOptions;
	const process = await started(await miniflare([worker], options, options.role === "runtime" ? options.objectsDir : undefined));
	return { ...process, healthUrl: await process.mf.unsafeGetDirectURL(runtime.name!, "Health") };
}
