/**
 * The egress policy as a pure function: may tenant code send this request? Deny by default: a tenant
 * with an empty allow-list has no network. Local and private addresses are refused even when listed.
 * Shared by the egress gate (workers/outbound/) and the API, which validates allow-list entries.
 */
import { DNS_LABEL } from "../names";
import { isPrivateHost } from "./addresses";

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/**
 * Why `entry` cannot be an allow-list entry, or undefined when it can. Entries are what
 * `URL.hostname` gives, lowercase ASCII (punycode for IDNs): a DNS name of at least two labels,
 * `*.` + such a name, a public IPv4 literal or a bracketed public IPv6 literal. Local and private
 * names and addresses are refused here, so a list never suggests they are reachable.
 */
export function allowListEntryProblem(entry: string): string | undefined {
	if (entry.length === 0 || entry.length > 253) return "must be 1-253 characters";
	if (entry !== entry.toLowerCase()) return "must be lowercase";
	const host = entry.startsWith("*.") ? entry.slice(2) : entry;
	if (isPrivateHost(host)) return "is a local or private address, which tenant code may never reach";
	if (host.startsWith("[") && host.endsWith("]")) {
		if (entry.startsWith("*.")) return "a wildcard needs a DNS name, not an address";
		return URL.canParse(`http://${host}/`) && new URL(`http://${host}/`).hostname === host ? undefined : "is not a valid IPv6 literal";
	}
	if (IPV4.test(host)) {
		if (entry.startsWith("*.")) return "a wildcard needs a DNS name, not an address";
		return host.split(".").every((octet) => Number(octet) <= 255) ? undefined : "is not a valid IPv4 address";
	}
	const labels = host.split(".");
	if (labels.length < 2) return "must be a fully qualified name (at least two labels, e.g. api.example.com)";
	if (!labels.every((label) => DNS_LABEL.test(label)))
		return "must be a hostname: labels of a-z, 0-9 and '-' (punycode for international names)";
	return undefined;
}

/**
 * Why a subrequest was refused. Every denial carries one: the gate's log line and its answer to
 * the tenant (the `x-ferry-egress-denied` header and the message) name it; nothing branches on messages.
 * `unidentified`: the subrequest came without the dispatcher's context, so it names no tenant.
 */
export const EGRESS_DENIALS = ["scheme", "private_address", "not_allowed", "unidentified"] as const;
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
		case "unidentified":
			return "egress denied (unidentified): this request did not come through the Ferry dispatcher";
	}
}
