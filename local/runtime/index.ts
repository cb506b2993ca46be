/**
 * A local runtime process's Worker (wrangler.toml's [env.runtime]): the dispatcher itself, unchanged,
 * plus two entrypoints of the local platform's own. Each gets its own loopback socket:
 *
 *   Health  the supervisor's probe (every 250 ms, 1 s timeout): any answer means the process's event
 *           loop is free; it reports how many tenant isolates the process started, which workerd never
 *           frees, so the supervisor can replace the process before its heap fills.
 *   Probe   the API's Loaded probe, when this process is the probe process (the control Worker's
 *           ProbeRouter forwards to it): a top level that never finishes wedges this process, never
 *           the control plane.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { isolateStarts } from "../../dispatch/src/runtime";
import { LoaderProbe, type LoadProbe, type LoadProbeResult } from "../../workers/shared/runtime/load-probe";

export {
	default,
	FerryAssets,
	FerryD1,
	FerryEgress,
	FerryKV,
	FerryObjectHost,
	FerryObjects,
	FerryR2,
	FerryService,
	FerryTail,
	RouteControl,
	Scheduler,
} from "../../dispatch/src/index";

let probesRun = 0;

/** What the Health socket answers. */
export interface RuntimeHealth {
	/** Tenant isolates started: the dispatcher's plus one per probe (each probe loads fresh code). */
	isolates: number;
}

export class Health extends WorkerEntrypoint<DispatchEnv> {
	override fetch(): Response {
		return Response.json({ isolates: isolateStarts() + probesRun } satisfies RuntimeHealth);
	}
}

export class Probe extends WorkerEntrypoint<DispatchEnv> implements LoadProbe {
	probe(code: WorkerLoaderWorkerCode): Promise<LoadProbeResult> {
		probesRun++;
		return new LoaderProbe(this.env.LOADER).probe(code);
	}
}
