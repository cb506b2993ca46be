/**
 * The Worker Loader publisher: a deployment is Loaded once a fresh isolate imported its main module
 * and found a fetch handler (its other handlers are reported too) (workers/shared/runtime/load-probe.ts). The probe runs wherever the
 * LoadProbe given here runs it: in this isolate over the API's LOADER (production), or in the local
 * platform's probe process (the PROBE binding). Either way the API keeps its own deadline, so a top
 * level that never finishes ends the stage in Error within LIMITS.loadTimeoutMs.
 */
import { LIMITS } from "../../../shared/limits";
import { type LoadProbe, type LoadProbeResult, loadProbeCode } from "../../../shared/runtime/load-probe";
import { type BuiltDeployment, LoadError, type LoadedDeployment, noFetchHandler, type Publisher } from "./types";

export class WorkerLoaderPublisher implements Publisher {
	constructor(private readonly probe: LoadProbe) {}

	async load({ manifest, blobs }: BuiltDeployment): Promise<LoadedDeployment> {
		// Assets only: no code to start; the dispatcher serves the assets from R2.
		if (manifest.mainModule === null) return { handlers: null };
		const result = await withDeadline(this.probe.probe(loadProbeCode(manifest, blobs)), LIMITS.loadTimeoutMs);
		if (!result.started) throw new LoadError(`the code did not start: ${result.error}`);
		if (!result.handlers.includes("fetch")) throw noFetchHandler(manifest.mainModule);
		for (const { name } of manifest.durableObjects?.classes ?? []) {
			if (!result.objects?.[name])
				throw new LoadError(
					`Durable Object class '${name}' is not exported by main module '${manifest.mainModule}' (its migrations create it): export the class, or leave it out of the migrations and bindings`,
				);
		}
		return { handlers: result.handlers };
	}

	async remove(): Promise<void> {
		// Worker Loader isolates are keyed by deployment id and evicted by the runtime; nothing to delete.
	}
}

function withDeadline(probe: Promise<LoadProbeResult>, ms: number): Promise<LoadProbeResult> {
	let timer: number | null = null;
	const deadline = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new LoadError(`the code did not start within ${ms / 1000} s: its top level never finished`)), ms);
	});
	return Promise.race([probe, deadline]).finally(() => clearTimeout(timer));
}
