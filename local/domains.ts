/**
 * The local platform's two domains. PLATFORM_DOMAIN carries the platform's own hosts (`api.`, later
 * `dash.`); TENANT_DOMAIN carries tenant scripts and previews (`<script>.`, `<id>--<script>.`). Both
 * default to `localhost`, so `api.localhost` and `hello.localhost` sit side by side; production
 * puts tenants on a registrable domain of their own (docs/deploy-to-cloudflare.md, "Two domains").
 *
 * Locally each must be `localhost` or end in `.localhost`: curl, browsers and Ferry's Node clients
 * (loopback/) resolve exactly those names to this machine.
 */
import { DNS_LABEL } from "../workers/shared/names.ts";

export interface Domains {
	platform: string;
	tenant: string;
}

export class DomainError extends Error {
	override name = "DomainError";
}

const isLocal = (domain: string) =>
	(domain === "localhost" || domain.endsWith(".localhost")) && domain.split(".").every((label) => DNS_LABEL.test(label));

export function localDomains(given: Partial<Domains> = {}): Domains {
	const domains = { platform: given.platform || "localhost", tenant: given.tenant || "localhost" };
	for (const [which, domain] of Object.entries(domains))
		if (!isLocal(domain))
			throw new DomainError(
				`the ${which} domain '${domain}' does not resolve to this machine: use localhost or a name under it (e.g. apps.localhost)`,
			);
	return domains;
}

/** The platform's own host `name` (`api`, `dash`) on its domain. */
export const platformHost = (name: string, domains: Domains) => `${name}.${domains.platform}`;
