/**
 * The control Worker's state, one copy per process: workerd runs a Worker in one isolate, so the
 * edge's fetch handler and every entrypoint below (the supervisor's surface, RouteControl, the probe
 * router) share these objects.
 */
import { InFlight } from "./in-flight";
import { ProbeRoute } from "./probes";
import { SlotTable } from "./slots";

export const slots = new SlotTable();
export const inFlight = new InFlight();
export const probes = new ProbeRoute();

/** A binding the local platform added at start (./bindings.ts names them), typed as what it reaches. */
export function added<T = Fetcher>(env: ControlEnv, name: string): T {
	const binding = (env as unknown as Record<string, T | undefined>)[name];
	if (!binding) throw new Error(`the control Worker has no binding ${name}`);
	return binding;
}
