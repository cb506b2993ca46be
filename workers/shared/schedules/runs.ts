/** What the cron fan-out hands around (docs/cron.md): plain data, so it crosses RPC between the local processes. */
import type { RouteTarget } from "../runtime/route.ts";

/** One scheduled invocation to make: a cron of a script that fires now, and the live deployment that runs it. */
export interface ScheduledJob {
	cron: string;
	target: RouteTarget;
}

/** What one scheduled invocation did. */
export interface ScheduledRun {
	scriptId: string;
	cron: string;
	deploymentId: string;
	/** The minute it fired for (ms since the epoch). */
	scheduledTime: number;
	/** The runtime's outcome, or Ferry's "unavailable" (nothing could run it), "quarantined". */
	outcome: string;
	durationMs: number;
}

/** A local runtime process's Scheduler entrypoint (dispatch/src/cron/), which the control process's minute tick calls. */
export interface SchedulerApi {
	run(jobs: ScheduledJob[], scheduledTime: number): Promise<ScheduledRun[]>;
}
