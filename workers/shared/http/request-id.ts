/**
 * The id a request is known by, on both platform Workers: the page or error the client gets names
 * it, and the log lines about the request carry it. On Cloudflare it is the ray id (`cf-ray`, set on
 * every request it delivers, and what Workers Logs and `wrangler tail` show); where there is none
 * (locally) it is a random id, assigned once per request so every caller asking sees the same one.
 */
import { newId } from "../ids";

const assigned = new WeakMap<Request, string>();

export function requestIdOf(request: Request): string {
	const ray = request.headers.get("cf-ray");
	if (ray) return ray;
	let id = assigned.get(request);
	if (id === undefined) {
		id = newId(16);
		assigned.set(request, id);
	}
	return id;
}

/**
 * The request as tenant code gets it: with its id as `cf-ray`, as Cloudflare delivers every request,
 * so the invocation's trace carries the id the platform's pages name (workers/shared/telemetry/).
 * Unchanged when it has one (always: on Cloudflare, and locally from the edge's withNewRequestId);
 * otherwise (a test calling the dispatcher directly) a copy with the header added.
 */
export function withRequestId(request: Request): Request {
	if (request.headers.has("cf-ray")) return request;
	const headers = new Headers(request.headers);
	headers.set("cf-ray", requestIdOf(request));
	return new Request(request, { headers });
}

/**
 * Locally, the edge (local/control/edge.ts): the request with a new id as its `cf-ray`, whatever the
 * client sent, as Cloudflare sets it on every request it delivers, so the runtime process's
 * dispatcher finds one and copies nothing (withRequestId). Copying there costs far more: the
 * request has by then the `cf` object the edge's hop adds, and a copy deep-clones it.
 */
export function withNewRequestId(request: Request): Request {
	const headers = new Headers(request.headers);
	headers.set("cf-ray", newId(16));
	return new Request(request, { headers });
}
