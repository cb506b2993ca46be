/**
 * What the visitor sees when a runtime adapter's fetch() rejects. Two cases, told apart by the
 * error's shape, never its message:
 *
 *   tenant_error   the tenant's code threw. workerd marks an exception that crossed from another
 *                  isolate with `remote: true`; the tenant's exceptions cross from its isolate.
 *   timed_out      the tenant's response headers did not come within the wall-clock limit
 *                  (./wall-clock.ts): the 504 page.
 *   not_runnable   anything else: the runtime could not run the deployment at all (the dispatch
 *                  namespace does not hold it, its code is missing from R2, …).
 *
 * For not_runnable, Ferry's own route table decides: if the route is gone (the script was deleted and
 * this isolate's cache had not heard yet) the answer is the 404 page; otherwise the platform is at
 * fault and says so with a 503, logged for the operator. Getting the shape wrong only picks the wrong
 * page; it never serves another deployment or leaks the error.
 */
import { log } from "../../../workers/shared/log";
import type { PlatformReads } from "../../../workers/shared/platform";
import type { RouteTarget } from "../../../workers/shared/runtime/route";
import { notFoundPage, tenantErrorPage, timedOutPage, unavailablePage } from "../pages";
import { invalidateRoutes, resolveRoute } from "../routes";
import { WallClockExceeded } from "./wall-clock";

const DISPATCH_FAILURES = ["tenant_error", "timed_out", "not_runnable"] as const;
type DispatchFailure = (typeof DISPATCH_FAILURES)[number];

function classifyFailure(error: unknown): DispatchFailure {
	if (error instanceof WallClockExceeded) return "timed_out";
	const remote = typeof error === "object" && error !== null && (error as { remote?: unknown }).remote === true;
	return remote ? "tenant_error" : "not_runnable";
}

export async function failurePage(error: unknown, target: RouteTarget, reads: PlatformReads, requestId: string): Promise<Response> {
	const where = { requestId, script: target.scriptName, deploymentId: target.deploymentId };
	if (classifyFailure(error) === "tenant_error") {
		log.error("tenant script failed", { ...where, error });
		return tenantErrorPage(requestId);
	}
	if (error instanceof WallClockExceeded) {
		log.warn("tenant script exceeded the wall-clock limit", { ...where, limitMs: error.limitMs });
		return timedOutPage(requestId, error.limitMs);
	}
	// Read the route again, past this isolate's cache.
	invalidateRoutes([target.label]);
	const current = await resolveRoute(reads, target.label);
	if (!current) return notFoundPage(requestId);
	log.error("the runtime could not run a routed deployment", { ...where, routedTo: current.deploymentId, error });
	return unavailablePage(requestId);
}
