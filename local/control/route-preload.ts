/**
 * A runtime process's route table, loaded when it starts serving (the supervisor sets its side
 * live: at start, after a wedge, on a recycle): every live route whose script the edge hashes to
 * that slot, so that a first request to a host after a restart reads no route (docs/benchmarks.md,
 * "Cold start, unprepared"). From then on the process keeps it fresh from RouteControl's refreshes,
 * which reach every live process (./route-control.ts; dispatch/src/routes.ts).
 *
 * The table is read after the process's route generation is taken and loaded only if no refresh
 * dropped a route in between, so a route that moved during the read is read on its first request
 * instead: a route move that has answered is never followed by an old route.
 */

import { log } from "../../workers/shared/log";
import { readLiveRoutes } from "../../workers/shared/platform/d1";
import type { RouteTableApi } from "../../workers/shared/runtime/route";
import { routeControlBinding, type Side } from "./bindings";
import { added, slots } from "./state";

export async function preloadRoutes(env: ControlEnv, slot: number, side: Side): Promise<void> {
	if (!slots.hashed(slot)) return;
	const runtime = added<RouteTableApi>(env, routeControlBinding(slot, side));
	const started = Date.now();
	const since = await runtime.routeGeneration();
	const targets = (await readLiveRoutes(env.DB)).filter((target) => slots.home(target.label) === slot);
	const kept = await runtime.loadRoutes(targets, since);
	log.info("loaded a runtime process's route table", { slot, side, routes: kept, of: targets.length, ms: Date.now() - started });
}
