/**
 * RouteControl, fanned out: the API's ROUTES binding reaches this entrypoint locally, and every
 * live runtime process is told (its dispatcher's own RouteControl, through its socket). Each drops
 * the labels' routes; only the slot that serves a label now reads it again and prepares (warms) its
 * deployment, so a deploy costs one route read and an isolate starts in the one process that will
 * use it (the others read the route on a first request, after a failover).
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { log } from "../../workers/shared/log";
import type { DeploymentCode } from "../../workers/shared/platform";
import type { RouteControlApi } from "../../workers/shared/runtime/route";
import { routeControlBinding } from "./bindings";
import { added, slots } from "./state";

export class RouteControl extends WorkerEntrypoint<ControlEnv> implements RouteControlApi {
	/** `prepare` is for a runtime's own RouteControl; here every live process is told and the owners prepare. */
	async refresh(labels: string[], _prepare?: string[], code?: DeploymentCode): Promise<void> {
		await Promise.all(
			slots.liveChannels().map(async ({ slot, side }) => {
				const prepare = labels.filter((label) => slots.owner(label) === slot);
				try {
					// A deploy's code goes only to the process that prepares its labels.
					const control = added<RouteControlApi>(this.env, routeControlBinding(slot, side));
					await control.refresh(labels, prepare, prepare.length > 0 ? code : undefined);
				} catch (error) {
					// A process that is down or being replaced starts with an empty route cache anyway.
					log.warn("could not refresh a runtime process's routes", { slot, side, labels, error });
				}
			}),
		);
	}
}
