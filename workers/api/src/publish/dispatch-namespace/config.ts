/** The dispatch-namespace publisher's Cloudflare settings, from the API Worker's vars and secrets, with every default filled in. */

export interface CloudflareConfig {
	/** The API's base URL: CLOUDFLARE_API_URL, default CLOUDFLARE_API_URL below. */
	apiUrl: string;
	accountId: string;
	/** The Workers for Platforms dispatch namespace (the dispatcher's DISPATCHER binding names the same). */
	namespace: string;
	/** An API token whose one permission is "Workers Namespace Editor" on the namespace. */
	apiToken: string;
}

/** Cloudflare's API. CLOUDFLARE_API_URL overrides it (an egress proxy; the contract tests' stand-in). */
export const CLOUDFLARE_API_URL = "https://api.cloudflare.com/client/v4";

type CloudflareEnv = Pick<ApiEnv, "CLOUDFLARE_ACCOUNT_ID" | "DISPATCH_NAMESPACE" | "CLOUDFLARE_API_TOKEN" | "CLOUDFLARE_API_URL">;

/** Throws naming every missing setting: a half-configured production must fail loudly, not upload nowhere. */
export function cloudflareConfig(env: CloudflareEnv): CloudflareConfig {
	const missing = (["CLOUDFLARE_ACCOUNT_ID", "DISPATCH_NAMESPACE", "CLOUDFLARE_API_TOKEN"] as const).filter((key) => !env[key]);
	if (missing.length > 0)
		throw new Error(`RUNTIME is 'dispatch-namespace' but ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set`);
	return {
		// No trailing slash: paths are appended as "/accounts/…".
		apiUrl: (env.CLOUDFLARE_API_URL || CLOUDFLARE_API_URL).replace(/\/+$/, ""),
		accountId: env.CLOUDFLARE_ACCOUNT_ID!,
		namespace: env.DISPATCH_NAMESPACE!,
		apiToken: env.CLOUDFLARE_API_TOKEN!,
	};
}
