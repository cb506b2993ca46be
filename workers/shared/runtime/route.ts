import type { MaybePromise } from "../maybe-promise";
import type { DeploymentCode } from "../platform/code";
import type { Budget } from "./plans";

/** What the dispatcher resolves a hostname to, and what a runtime adapter needs to run it. */
export interface RouteTarget {
	label: string;
	scriptName: string;
	/** The script's id: never reused, unlike its name (telemetry is kept per script id). */
	scriptId: string;
	deploymentId: string;
	tenantId: string;
	/** How many static asset files the deployment has; null when it has none (docs/assets.md). */
	assetFiles: number | null;
	/**
	 * Until when (ms since the epoch) the deployment is quarantined: its requests answer the 503
	 * "exceeded its limits" page and its code does not run. Null when it never was. It travels with
	 * the cached route, so a quarantine ends by itself once the time passes.
	 */
	quarantinedUntil: number | null;
	/**
	 * The tenant's plan budget its use went past in `budgetMonth` (YYYY-MM, UTC), and that budget's
	 * size; all null when there is no stop. Its scripts answer the 429 page while that month lasts
	 * (workers/shared/budgets/). It travels with the cached route, like the quarantine.
	 */
	budgetExceeded: Budget | null;
	budgetMonth: string | null;
	budgetAllowed: number | null;
}

/** A scheduled event for a deployment's `scheduled(controller, env, ctx)`: the cron that fired and the minute it fired for. */
export interface ScheduledEvent {
	cron: string;
	/** ms since the epoch (the controller's `scheduledTime`). */
	scheduledTime: number;
}

/** Hands a request (or a scheduled event) to a deployment's code. One implementation per runtime (Worker Loader, dispatch namespace). */
export interface RuntimeAdapter {
	fetch(target: RouteTarget, request: Request): Promise<Response>;
	/**
	 * Runs the deployment's scheduled handler with the tenant's plan limits, as a request runs; resolves
	 * with the runtime's outcome ("ok", "exception", "exceededCpu", …), rejects only when the platform
	 * could not run it.
	 */
	scheduled(target: RouteTarget, event: ScheduledEvent): Promise<{ outcome: string }>;
	/**
	 * Gets a deployment a route just moved to ready to serve, so its first request is not cold.
	 * Resolves within a bounded time; work still running then goes on under `waitUntil`. `code`: the
	 * deployment's code as its deploy loaded it, kept rather than read back (where the runtime needs it).
	 */
	prepare(target: RouteTarget, waitUntil: (work: Promise<unknown>) => void, code?: DeploymentCode): Promise<void>;
	/** Reads a deployment's code ahead of its first request, without starting its isolate (nothing where the runtime holds the code). */
	prefetch(target: RouteTarget): Promise<void>;
}

/** The dispatcher's control surface (its `RouteControl` entrypoint), called by the API after routes move. */
export interface RouteControlApi {
	/**
	 * The routes of these labels moved (deploy, rollback, delete). Once this resolves, the dispatcher
	 * serves their new state; it has also read the new targets into its route cache and prepared
	 * their deployments, so the next request is neither a D1 read nor a cold start.
	 *
	 * `prepare` narrows which labels are read and prepared (default: all): the local control process
	 * names, for each runtime process, the labels that process serves; the others are only dropped
	 * from its cache (read on a first request, should one ever come there).
	 *
	 * `code`: a deploy's own deployment, as it was loaded (manifest, modules, secrets opened). The
	 * labels that now point at it are prepared with it, so its code is not read back from D1 and R2.
	 */
	refresh(labels: string[], prepare?: string[], code?: DeploymentCode): Promise<void>;
}

/**
 * The rest of a local runtime process's RouteControl, for the control process only: its route table
 * loaded when it starts serving (local/control/route-preload.ts), so that a first request after a
 * restart reads no route. Production's dispatcher is never called this way.
 */
export interface RouteTableApi {
	/** Changes whenever cached routes are dropped; pass it to `loadRoutes` with a table read after it. */
	routeGeneration(): MaybePromise<number>;
	/** Keeps these routes unless a route was dropped since `since`; returns how many were kept. */
	loadRoutes(targets: RouteTarget[], since: number): MaybePromise<number>;
}
