/**
 * Hostnames. Tenant content is `<label>.<TENANT_DOMAIN>`: the label is a script name (live) or
 * `<deployment-id>--<script>` (preview). The platform's own hosts are `api.<PLATFORM_DOMAIN>` (the
 * control plane) and `dash.` (the panel). The two domains may be the same (locally, by default); in
 * production the tenant domain is a registrable domain of its own, so tenant content can never set
 * cookies for the platform's hosts (docs/deploy-to-cloudflare.md, "Two domains").
 */

/** The host part of an absolute URL string, without building a URL object (this runs on every request). */
export function hostOf(url: string): string {
	const start = url.indexOf("//") + 2;
	const end = url.indexOf("/", start);
	return url.slice(start, end === -1 ? undefined : end);
}

/** The one label a host (with or without port) has under `domain`, or undefined when it is not one of its hosts. */
function labelUnder(host: string | null, domain: string): string | undefined {
	if (!host) return undefined;
	let hostname = host.toLowerCase();
	const colon = hostname.lastIndexOf(":");
	// Strip a port, but not the colons of a bracketed IPv6 literal.
	if (colon !== -1 && !hostname.endsWith("]")) hostname = hostname.slice(0, colon);
	if (hostname.endsWith(".")) hostname = hostname.slice(0, -1);
	const suffix = `.${domain}`;
	if (!hostname.endsWith(suffix)) return undefined;
	const label = hostname.slice(0, -suffix.length);
	if (label.length === 0 || label.includes(".")) return undefined;
	return label;
}

/** The route label a host (with or without port) asks for under the tenant domain, or undefined when it is not one of its hosts. */
export function routeLabel(host: string | null, tenantDomain: string): string | undefined {
	return labelUnder(host, tenantDomain);
}

/** The platform's own hosts, `<name>.<PLATFORM_DOMAIN>` (reserved script names, ./names.ts). */
export const PLATFORM_HOSTS = ["api", "dash"] as const;
export type PlatformHost = (typeof PLATFORM_HOSTS)[number];

/** Which of the platform's own hosts a host (with or without port) is, or undefined. */
export function platformHostOf(host: string | null, platformDomain: string): PlatformHost | undefined {
	const label = labelUnder(host, platformDomain);
	return label === undefined ? undefined : PLATFORM_HOSTS.find((name) => name === label);
}

/**
 * Whether a request is for Cloudflare's API path on the platform's bare loopback name (`localhost`,
 * `127.0.0.1`, `[::1]`, any port): stock Node clients (wrangler, the `cloudflare` SDK) cannot
 * resolve `api.localhost`, so locally `http://localhost:8787/client/v4` reaches the API too
 * (docs/wrangler.md). No tenant is ever served on these names.
 */
export function isLoopbackClientV4(host: string, url: string): boolean {
	// A URL's host is already lowercase; one regex test and no allocation for every other host.
	if (!LOOPBACK_HOST.test(host)) return false;
	const path = url.slice(url.indexOf(host) + host.length);
	return path === CLIENT_V4 || path.startsWith(`${CLIENT_V4}/`) || path.startsWith(`${CLIENT_V4}?`);
}

const LOOPBACK_HOST = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/** Where Cloudflare's API subset lives on the API host. */
export const CLIENT_V4 = "/client/v4";

export const previewLabel = (deploymentId: string, scriptName: string) => `${deploymentId}--${scriptName}`;

/** The origin of one of the platform's own hosts (`api`, `dash`), on the same scheme and port the caller reached the platform with. */
export function platformOrigin(name: PlatformHost, platformDomain: string, via: URL): string {
	return `${via.protocol}//${name}.${platformDomain}${via.port ? `:${via.port}` : ""}`;
}

/** The public URL of a tenant label, on the same scheme and port the caller reached the platform with. */
export function labelUrl(label: string, tenantDomain: string, via: URL): string {
	return `${via.protocol}//${label}.${tenantDomain}${via.port ? `:${via.port}` : ""}/`;
}
