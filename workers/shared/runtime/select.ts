/**
 * Which runtime runs tenant code. Both platform Workers read the same `RUNTIME` var: the API's
 * publisher puts code where the dispatcher's adapter looks for it, so the two must never disagree.
 */
export const RUNTIMES = ["worker-loader", "dispatch-namespace"] as const;
export type RuntimeName = (typeof RUNTIMES)[number];

/** The configured runtime; unset means Worker Loader (local development needs no configuration). */
export function runtimeName(value: string | undefined): RuntimeName {
	if (value === undefined || value === "") return "worker-loader";
	const known = RUNTIMES.find((name) => name === value);
	if (!known) throw new Error(`RUNTIME is '${value}'; it must be one of: ${RUNTIMES.join(", ")}`);
	return known;
}

/**
 * A deployment's script name in the dispatch namespace: its id. One namespace script per deployment
 * (not per Ferry script) keeps deployments immutable there too: the live host and the preview host
 * of a deployment run the same namespace script, and a rollback only moves the route in D1; nothing
 * is uploaded, so it works even while the Cloudflare API is unreachable or rate-limiting us.
 */
export const namespaceScriptName = (deploymentId: string): string => deploymentId;
