/**
 * The Loaded stage's check for the Worker Loader runtime: a fresh isolate imports the tenant's main
 * module through a generated wrapper and reports which handlers its default export has (fetch,
 * scheduled, …). The tenant's handlers never run; its top level does, so a syntax error or a
 * throwing top level fails the stage.
 *
 * One implementation, two callers: the API runs it against its own LOADER in production, and the
 * local platform runs it in its probe process (local/runtime/), which the API reaches by RPC, so a
 * top level that never finishes wedges that process and never the API.
 */

import type { Manifest } from "../deployments/manifest";
import { errorMessage } from "../describe-error";
import { workerCode } from "./worker-code";

const PROBE_MODULE = "__ferry_probe__.js";

/** The handler names workerd calls on a default export (Cloudflare's upload answer lists the same, as `handlers`). */
export const HANDLER_NAMES = ["fetch", "scheduled", "queue", "tail", "tailStream", "trace", "email", "test"] as const;

const probeSource = (mainModule: string, classes: string[]) => `
import * as tenant from ${JSON.stringify(`./${mainModule}`)};
const handler = tenant.default;
const names = ${JSON.stringify(HANDLER_NAMES)};
const handlers = names.filter((name) => typeof handler?.[name] === "function" ||
	(typeof handler === "function" && typeof handler.prototype?.[name] === "function"));
const objects = Object.fromEntries(${JSON.stringify(classes)}.map((name) => [name, typeof tenant[name] === "function"]));
export default { fetch: () => Response.json({ handlers, objects }) };
`;

/**
 * What a probe found: the code started (with the handlers its default export has and, for each
 * Durable Object class the manifest names, whether the main module exports it), or why it did not.
 */
export type LoadProbeResult = { started: true; handlers: string[]; objects?: Record<string, boolean> } | { started: false; error: string };

/** Starts code in a fresh isolate; plain data in and out, so it can run across RPC. */
export interface LoadProbe {
	probe(code: WorkerLoaderWorkerCode): Promise<LoadProbeResult>;
}

/** The tenant's code behind the probe's wrapper module (no network, no platform bindings); a Worker's only (not assets only). */
export function loadProbeCode(manifest: Manifest, blobs: ReadonlyMap<string, ArrayBuffer>): WorkerLoaderWorkerCode {
	if (manifest.mainModule === null) throw new Error(`deployment ${manifest.deploymentId} has no Worker to probe (assets only)`);
	return workerCode(manifest, blobs, {
		extraModules: {
			[PROBE_MODULE]: { js: probeSource(manifest.mainModule, manifest.durableObjects?.classes.map((c) => c.name) ?? []) },
		},
		mainModule: PROBE_MODULE,
	});
}

/** The probe over a Worker Loader binding; a start-up failure is a result, never a rejection. */
export class LoaderProbe implements LoadProbe {
	constructor(private readonly loader: WorkerLoader) {}

	async probe(code: WorkerLoaderWorkerCode): Promise<LoadProbeResult> {
		let response: Response;
		try {
			response = await this.loader.load(code).getEntrypoint().fetch("http://probe.invalid/");
		} catch (error) {
			return { started: false, error: startupError(error) };
		}
		const { handlers, objects } = (await response.json()) as { handlers: string[]; objects: Record<string, boolean> };
		return { started: true, handlers, objects };
	}
}

/** workerd's startup error on one line, without its generic preamble: "Uncaught SyntaxError: … at index.js:1:16". */
function startupError(error: unknown): string {
	return errorMessage(error)
		.replace(/^Failed to start Worker:\s*/, "")
		.replace(/\s*\n\s*/g, " ")
		.trim();
}
