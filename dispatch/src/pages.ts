/**
 * The platform's own pages: small, cache-neutral, and never naming the platform's internals. One per
 * way a request can fail to reach the tenant's own response (which page when: runtime/failures.ts):
 *
 *   notFoundPage      404  no route here (an unknown host, a deleted script, a namespace without it)
 *   tenantErrorPage   500  the tenant's code threw
 *   cpuLimitPage      500  the tenant's code ran over its CPU limit (production: Cloudflare enforces it)
 *   quarantinedPage   503  the deployment stopped a local runtime process and is paused (Retry-After)
 *   timedOutPage      504  no response headers within the wall-clock limit
 *   overBudgetPage    429  the tenant used its plan's monthly budget (Retry-After: the next month)
 *   unavailablePage   503  the platform's own fault (logged for the operator), or a runtime process gone
 */

import type { Budget } from "../../workers/shared/budgets";

const page = (status: number, title: string, body: string, requestId: string) =>
	new Response(
		`<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head>` +
			`<body style="font-family:system-ui;max-width:40em;margin:4em auto"><h1>${title}</h1><p>${body}</p>` +
			`<p><small>Request id: <code>${requestId}</code></small></p></body></html>`,
		{
			status,
			headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "x-ferry-request-id": requestId },
		},
	);

export const notFoundPage = (requestId: string) => page(404, "Nothing here", "No script is deployed at this address.", requestId);

export const tenantErrorPage = (requestId: string) =>
	page(500, "This script failed", "The script behind this address threw an error while handling the request.", requestId);

export const cpuLimitPage = (requestId: string) =>
	page(500, "This script used too much CPU time", "The script behind this address ran over its CPU time limit on this request.", requestId);

export const unavailablePage = (requestId: string) =>
	page(503, "Temporarily unavailable", "The platform could not reach this script. Try again shortly.", requestId);

/** A quarantined deployment (it stopped a runtime process): no tenant code runs until `until` or the next deploy. */
export const quarantinedPage = (requestId: string, until: number) => {
	const response = page(
		503,
		"This script exceeded its limits",
		"The script behind this address exceeded the platform's limits (it ran too long without yielding, or used too much memory) and is paused until its owner deploys it again, or for a while.",
		requestId,
	);
	response.headers.set("retry-after", String(Math.max(1, Math.ceil((until - Date.now()) / 1000))));
	return response;
};

/** The tenant's response headers did not come within the wall-clock limit. */
export const timedOutPage = (requestId: string, limitMs: number) =>
	page(
		504,
		"This script took too long",
		`The script behind this address did not answer within ${limitMs / 1000} s, the platform's limit per request.`,
		requestId,
	);

const BUDGET_WORDS: Record<Budget, (allowed: number) => string> = {
	requests: (allowed) => `${allowed.toLocaleString("en-US")} requests`,
	cpu_ms: (allowed) => `${allowed.toLocaleString("en-US")} ms of CPU time`,
};

/** The tenant's use went past its plan's monthly budget: no tenant code runs until `until` (the next UTC month) or a plan change. */
export const overBudgetPage = (requestId: string, stop: { budget: Budget; allowed: number; month: string }, until: number) => {
	const response = page(
		429,
		"This script is over its monthly budget",
		`The account behind this address has used its plan's monthly budget of ${BUDGET_WORDS[stop.budget](stop.allowed)} for ${stop.month}. ` +
			"Its scripts answer again at the start of next month (UTC), or as soon as its plan changes.",
		requestId,
	);
	response.headers.set("retry-after", String(Math.max(1, Math.ceil((until - Date.now()) / 1000))));
	return response;
};
