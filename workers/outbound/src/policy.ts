/**
 * The egress policy as a pure function: may tenant code send this request? Deny by default: a tenant
 * with an empty allow-list has no network. Local and private addresses are refused even when listed.
 */
import { isPrivateHost } from "./addresses";

/** Why a subrequest was refused. Tenants and logs see the code; nothing branches on messages. */
export const EGRESS_DENIALS = ["scheme", "private_address", "not_allowed"] as const;
export type EgressDenial = (typeof EGRESS_DENIALS)[number];

export type EgressDecision = { allow: true } | { allow: false; reason: EgressDenial };

/**
 * Whether `host` is named by an allow-list entry: `example.com` names only itself, `*.example.com`
 * every subdomain of example.com (not example.com itself).
 */
export function hostAllowed(host: string, allowList: readonly string[]): boolean {
	for (const entry of allowList) {
		if (entry.startsWith("*.")) {
			if (host.endsWith(entry.slice(1))) return true;
		} else if (entry === host) return true;
	}
	return false;
}

export function decideEgress(url: URL, allowList: readonly string[]): EgressDecision {
	if (url.protocol !== "https:" && url.protocol !== "http:") return { allow: false, reason: "scheme" };
	const host = url.hostname.endsWith(".") ? url.hostname.slice(0, -1) : url.hostname;
	if (isPrivateHost(host)) return { allow: false, reason: "private_address" };
	if (!hostAllowed(host, allowList)) return { allow: false, reason: "not_allowed" };
	return { allow: true };
}

/** What the tenant's fetch() rejects with: enough to fix the allow-list, nothing about the platform. */
export function denialMessage(reason: EgressDenial, url: URL): string {
	switch (reason) {
		case "scheme":
			return `egress denied (scheme): only http and https requests may leave a Ferry script, not ${url.protocol}`;
		case "private_address":
			return `egress denied (private_address): ${url.hostname} is a local or private address`;
		case "not_allowed":
			return `egress denied (not_allowed): ${url.hostname} is not on this tenant's egress allow-list`;
	}
}
