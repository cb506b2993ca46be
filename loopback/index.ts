/**
 * Reaching a local platform from Node. Browsers and curl resolve `*.localhost` to loopback; Node's
 * resolver does not, and fetch() will not let a caller set the Host header. This dispatcher resolves
 * every `*.localhost` name to 127.0.0.1 itself, so `fetch("http://hello.localhost:8787/")` works
 * and carries the right Host header. Its own folder, because both sides use it and neither owns the
 * other: the CLI (which ships it in its bundle), the bench and the tests.
 */
import type { LookupFunction } from "node:net";
import { Agent } from "undici";

const isLocalhost = (hostname: string) => hostname === "localhost" || hostname.endsWith(".localhost");

const lookup: LookupFunction = (hostname, options, callback) => {
	if (!isLocalhost(hostname)) {
		import("node:dns").then((dns) => dns.lookup(hostname, options, callback));
		return;
	}
	if (options.all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: "127.0.0.1", family: 4 }]);
	else callback(null, "127.0.0.1", 4);
};

const loopbackAgent = new Agent({ connect: { lookup } });

/**
 * fetch() that reaches `*.localhost` on this machine. It is Node's own fetch (so Node's FormData,
 * Blob and Response work with it) given the agent above through undici's `dispatcher` option.
 */
export const loopbackFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> =>
	fetch(input, { ...init, dispatcher: loopbackAgent } as RequestInit);
