/**
 * Hostnames. `<label>.<PLATFORM_DOMAIN>`: the label is a script name (live) or
 * `<deployment-id>--<script>` (preview); `api` is the control plane.
 */

/** The host part of an absolute URL string, without building a URL object (this runs on every request). */
export function hostOf(url: string): string {
	const start = url.indexOf("//") + 2;
	const end = url.indexOf("/", start);
	return url.slice(start, end === -1 ? undefined : end);
}

/** The route label a host (with or without port) asks for, or undefined when the host is not one of ours. */
export function routeLabel(host: string | null, domain: string): string | undefined {
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

export const previewLabel = (deploymentId: string, scriptName: string) => `${deploymentId}--${scriptName}`;

/** The public URL of a label, on the same scheme and port the caller reached the platform with. */
export function labelUrl(label: string, domain: string, via: URL): string {
	return `${via.protocol}//${label}.${domain}${via.port ? `:${via.port}` : ""}/`;
}
