/**
 * What the visitor sees when the dispatcher cannot hand it the tenant's own response: every case, in
 * this one place, each with its own page (../pages.ts). One case is decided before the runtime is
 * asked (`quarantineOf`); the others when a runtime adapter's fetch() rejects (`failurePage`):
 *
 *   quarantined     the deployment stopped a local runtime process (an endless loop, a heap blow-up)
 *                   and is quarantined: its route target says until when. Its code does not run.
 *                   → the 503 "exceeded its limits" page with Retry-After.
 *   timed_out       the tenant's response headers did not come within the wall-clock limit
 *                   (./wall-clock.ts, Worker Loader). → the 504 page, a warning in the log.
 *   script_missing  the dispatch namespace does not hold the deployment's script. Cloudflare reports it
 *                   as an error whose message starts "Worker not found" (workerd: `JSG_KJ_EXCEPTION(…,
 *                   "Worker not found.")`; the dynamic-dispatch docs test `e.message.startsWith("Worker
 *                   not found")`), thrown in the dispatcher's own isolate, so never `remote`. → 404 page.
 *   limit_exceeded  the tenant's code ran over its CPU limit. Cloudflare reports it by message only (the
 *                   custom-limits docs: `e.message.includes("CPU time limit")`; "Worker exceeded CPU time
 *                   limit."). The tenant's doing → the 500 "exceeded its CPU time" page, a warning in the log.
 *   tenant_error    the tenant's code threw: workerd marks an exception that crossed from another isolate
 *                   `remote: true`. → the tenant's 500 page.
 *   not_runnable    anything else: the runtime could not run the deployment (its code missing from R2, …).
 *                   → the platform's 503, logged for the operator.
 *
 * The wall-clock limit is told apart by its class; Cloudflare's docs define script_missing and
 * limit_exceeded by message, so these two tests are the only place a message is read. None of the
 * cases costs the platform more than once: a quarantine travels with the cached route; a missing
 * script or an unrunnable deployment re-reads its route (past this isolate's cache) to tell a deleted
 * script (404, and the route cache now says so) from a lost one (logged), and that verdict is kept per
 * deployment for the route cache's lifetime, so a visitor (or a tenant) who repeats the request cannot
 * make every request read D1 or write an error line. Getting the shape wrong only picks the wrong
 * page; it never serves another deployment or leaks the error.
 */
import { BoundedMap } from "../../../workers/shared/bounded-map";
import { log } from "../../../workers/shared/log";
import type { PlatformReads } from "../../../workers/shared/platform";
import type { RouteTarget } from "../../../workers/shared/runtime/route";
import { cpuLimitPage, notFoundPage, quarantinedPage, tenantErrorPage, timedOutPage, unavailablePage } from "../pages";
import { invalidateRoutes, resolveRoute } from "../routes";
import { WallClockExceeded } from "./wall-clock";

const DISPATCH_FAILURES = ["timed_out", "script_missing", "limit_exceeded", "tenant_error", "not_runnable"] as const;
type DispatchFailure = (typeof DISPATCH_FAILURES)[number];

function classifyFailure(error: unknown): DispatchFailure {
	if (error instanceof WallClockExceeded) return "timed_out";
	const remote = typeof error === "object" && error !== null && (error as { remote?: unknown }).remote === true;
	const message = error instanceof Error ? error.message : "";
	if (!remote && message.startsWith("Worker not found")) return "script_missing";
	if (message.includes("CPU time limit")) return "limit_exceeded";
	return remote ? "tenant_error" : "not_runnable";
}

/** The quarantined page when the target's deployment is quarantined now, else null (run it). */
export function quarantineOf(target: RouteTarget, requestId: string, now = Date.now()): Response | null {
	return target.quarantinedUntil && target.quarantinedUntil > now ? quarantinedPage(requestId, target.quarantinedUntil) : null;
}

/** Deployments whose route was re-read after a failure, for as long as a route stays cached (routes.ts). */
const rechecked = new BoundedMap<string, true>({ maxEntries: 10_000, ttlMs: 30_000 });

/**
 * The label's route re-read past the cache, once per deployment per TTL (later calls: undefined):
 * gone (the script was deleted), moved (to another deployment since this isolate cached it) or still
 * routed to this deployment.
 */
async function recheck(target: RouteTarget, reads: PlatformReads): Promise<"gone" | "moved" | "routed" | undefined> {
	if (rechecked.has(target.deploymentId)) return undefined;
	rechecked.set(target.deploymentId, true);
	invalidateRoutes([target.label]);
	const current = await resolveRoute(reads, target.label);
	if (!current) return "gone";
	return current.deploymentId === target.deploymentId ? "routed" : "moved";
}

export async function failurePage(error: unknown, target: RouteTarget, reads: PlatformReads, requestId: string): Promise<Response> {
	const where = { requestId, script: target.scriptName, deploymentId: target.deploymentId };
	switch (classifyFailure(error)) {
		case "timed_out": {
			const { limitMs } = error as WallClockExceeded;
			log.warn("tenant script exceeded the wall-clock limit", { ...where, limitMs });
			return timedOutPage(requestId, limitMs);
		}
		case "tenant_error":
			log.error("tenant script failed", { ...where, error });
			return tenantErrorPage(requestId);
		case "limit_exceeded":
			log.warn("tenant script exceeded its CPU limit", { ...where, error });
			return cpuLimitPage(requestId);
		case "script_missing":
			// Deleted (this isolate's cache had not heard yet) or lost: either way no script answers here.
			if ((await recheck(target, reads)) === "routed")
				log.error("the dispatch namespace does not hold a routed deployment", { ...where, error });
			return notFoundPage(requestId);
		case "not_runnable": {
			const route = await recheck(target, reads);
			if (route === "gone") return notFoundPage(requestId);
			if (route === "routed") log.error("the runtime could not run a routed deployment", { ...where, error });
			return unavailablePage(requestId);
		}
	}
}
