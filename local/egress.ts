/**
 * Where tenant subrequests leave the local platform: the egress gate (workers/outbound/, run by the
 * dispatcher as FerryEgress) forwards an allowed subrequest with its own fetch(), and Miniflare hands
 * every fetch() of the dispatcher Worker to this handler (its `outboundService`).
 *
 * The gate can only check literal addresses: workerd gives a Worker no DNS. Here, in Node, the name
 * is resolved, and the connection goes to the addresses the check saw or not at all: the check
 * runs inside the connection's own lookup (undici's `connect.lookup`), so a name that answers with
 * a public address first and a private one next (DNS rebinding) gains nothing. A name that resolves
 * to any loopback, private, link-local or otherwise special address (isPrivateHost, the gate's own
 * list) is answered with the gate's denial: 403, `x-ferry-egress-denied: private_address`.
 *
 * Redirects are not followed here: a 3xx goes back to workerd, whose fetch follows it through this
 * handler again, so every hop is checked.
 */
import dns from "node:dns";
import type { LookupFunction } from "node:net";
import { Agent } from "undici";
import { isPrivateHost } from "../workers/shared/egress/addresses.ts";
import { EGRESS_DENIED_HEADER } from "../workers/shared/egress/denial.ts";

export interface ResolvedAddress {
	address: string;
	family: number;
}

/** Resolves a name to every address it has (the system resolver by default). */
export type Resolve = (hostname: string) => Promise<ResolvedAddress[]>;

const systemResolve: Resolve = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/**
 * Names resolved from a fixed table before DNS is asked, like a hosts file: for the reliability
 * tests only (FERRY_TEST_EGRESS_HOSTS, "name=address,…"; local/dev.ts), which need a name that
 * resolves to loopback on a machine without DNS.
 */
export function withHosts(hosts: Record<string, string>, resolve: Resolve = systemResolve): Resolve {
	return async (hostname) => {
		const address = hosts[hostname.toLowerCase()];
		if (address === undefined) return resolve(hostname);
		return [{ address, family: address.includes(":") ? 6 : 4 }];
	};
}

export function parseHosts(setting: string | undefined): Record<string, string> {
	const hosts: Record<string, string> = {};
	for (const pair of (setting ?? "").split(",")) {
		const [name, address] = pair.split("=").map((part) => part.trim());
		if (name && address) hosts[name.toLowerCase()] = address;
	}
	return hosts;
}

const isPrivateAddress = ({ address, family }: ResolvedAddress) => isPrivateHost(family === 6 ? `[${address}]` : address);

/** A resolution that named a private address: the connection is never made. */
export class PrivateAddressError extends Error {
	override name = "PrivateAddressError";
	readonly hostname: string;
	readonly address: string;

	constructor(hostname: string, address: string) {
		super(`${hostname} resolves to ${address}, a local or private address`);
		this.hostname = hostname;
		this.address = address;
	}
}

/** A lookup for the connection that refuses private answers: the addresses it checks are the ones it connects to. */
export function checkedLookup(resolve: Resolve): LookupFunction {
	return (hostname, options, callback) => {
		resolve(hostname).then(
			(addresses) => {
				const refused = addresses.find(isPrivateAddress);
				if (refused) return callback(new PrivateAddressError(hostname, refused.address), "", 0);
				if (addresses.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "", 0);
				if (options.all) (callback as (e: null, a: ResolvedAddress[]) => void)(null, addresses);
				else callback(null, addresses[0]!.address, addresses[0]!.family);
			},
			(error: NodeJS.ErrnoException) => callback(error, "", 0),
		);
	};
}

function denial(error: PrivateAddressError): Response {
	return new Response(`egress denied (private_address): ${error.message}\n`, {
		status: 403,
		headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", [EGRESS_DENIED_HEADER]: "private_address" },
	});
}

/** Whether `error` (as undici wraps what the lookup said) was a refused private address. */
function privateAddressIn(error: unknown): PrivateAddressError | undefined {
	for (let e: unknown = error; e instanceof Error; e = e.cause) if (e instanceof PrivateAddressError) return e;
	return undefined;
}

/** The handler Miniflare calls for every fetch() of the Worker it is the `outboundService` of. */
export function egressOutbound(resolve: Resolve = systemResolve): (request: Request) => Promise<Response> {
	const agent = new Agent({ connect: { lookup: checkedLookup(resolve) } });
	return async (request) => {
		const url = new URL(request.url);
		// A literal needs no lookup (so the connection's lookup never sees it): the gate refused private
		// ones already, and this is the same check again, where the connection is made.
		if (isPrivateHost(url.hostname)) return denial(new PrivateAddressError(url.hostname, url.hostname));
		try {
			return await fetch(request.url, {
				method: request.method,
				headers: request.headers,
				body: request.body,
				redirect: "manual",
				dispatcher: agent,
				...(request.body ? { duplex: "half" } : {}),
			} as RequestInit);
		} catch (error) {
			const refused = privateAddressIn(error);
			if (refused) return denial(refused);
			throw error;
		}
	};
}
