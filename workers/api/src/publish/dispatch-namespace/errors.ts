/**
 * Cloudflare's API error codes and whose fault each one is: the one place Ferry reads them
 * (docs/deploy-to-cloudflare.md has the same table). Sources: the upload errors of
 * https://developers.cloudflare.com/workers/observability/errors/#errors-on-worker-upload, wrangler's
 * own branches on codes (wrangler-dist/cli.js: 10007 "Worker does not exist", 10021 startup errors,
 * 10027 size), the API's rate-limit and auth answers
 * (https://developers.cloudflare.com/fundamentals/api/reference/limits/), and the codes accounts
 * meet when a product or plan is missing (10042 R2 not enabled, 10075 `workers.api.error.wrong_plan`,
 * 10084 Durable Objects need the paid plan, 10353 blocked from deploying).
 *
 *   code       the tenant's code or config is at fault: the deployment's Error shows Cloudflare's message.
 *   platform   the platform's account, token, plan, namespace or request is at fault: the tenant cannot
 *              fix it and is told so without blaming its code; the operator's log has Cloudflare's answer.
 *   transient  an outage or a rate limit: retried (./retry.ts), then like `platform`, saying when to retry.
 *
 * Codes are read, not messages. A code missing from the table falls back on the HTTP status: 429, 5xx
 * and no answer at all are transient, any other status is the platform's (the tenant learns nothing
 * it could act on; the operator sees the new code in the log and adds it here).
 */
/** One entry of the `errors` (or `messages`) of a Cloudflare v4 answer. */
export interface CloudflareMessage {
	code: number;
	message: string;
}

export type Fault = "code" | "platform" | "transient";

export const CLOUDFLARE_ERRORS: Readonly<Record<number, { fault: Fault; meaning: string }>> = {
	10006: { fault: "code", meaning: "the Worker's code could not be parsed" },
	10021: {
		fault: "code",
		meaning:
			"validation error: the code did not start (a syntax error, a throwing top level, startup over its CPU limit, an unknown compatibility flag, a future compatibility date)",
	},
	10027: { fault: "code", meaning: "the Worker is over the size limit" },
	10054: { fault: "code", meaning: "a variable or secret is over its size limit" },
	10055: { fault: "code", meaning: "the Worker has more variables and secrets than the limit" },
	10068: { fault: "code", meaning: "the Worker registers no event handler" },
	10069: { fault: "code", meaning: "the Worker registers an event handler the runtime does not support" },
	10061: { fault: "code", meaning: "a Durable Object binding names a class no migration created" },
	10070: { fault: "code", meaning: "a Durable Object migration names a class the code does not export" },
	10074: {
		fault: "code",
		meaning: "a Durable Object migration does not apply to the script's classes (a class created twice, one deleted that is not there)",
	},
	10079: {
		fault: "platform",
		meaning: "the Durable Object migration's old_tag is not the script's tag (Ferry reads it just before the upload)",
	},
	971: { fault: "transient", meaning: "rate limited: wait and retry" },
	10013: { fault: "transient", meaning: "an unknown error occurred on Cloudflare's side" },
	10035: { fault: "transient", meaning: "another change to the same script is in progress" },
	10000: { fault: "platform", meaning: "authentication error: the API token may not do this on this account" },
	6003: { fault: "platform", meaning: "invalid request headers (the API token is missing or malformed)" },
	6111: { fault: "platform", meaning: "invalid format for the Authorization header" },
	7003: { fault: "platform", meaning: "no such route: a wrong account id, namespace or CLOUDFLARE_API_URL" },
	10007: { fault: "platform", meaning: "Worker not found (on a delete: the script is already gone)" },
	10015: { fault: "platform", meaning: "the account is not entitled to use Workers" },
	10016: { fault: "platform", meaning: "invalid Worker name (Ferry names namespace scripts by deployment id)" },
	10026: { fault: "platform", meaning: "the request body could not be parsed (Ferry builds it)" },
	10037: { fault: "platform", meaning: "the account has as many Workers as it is allowed" },
	10042: { fault: "platform", meaning: "R2 is not enabled on the account" },
	10052: { fault: "platform", meaning: "a binding was uploaded without a name" },
	10056: { fault: "platform", meaning: "a binding was not found" },
	10075: { fault: "platform", meaning: "the account's plan does not allow this (Workers Paid, Workers for Platforms)" },
	10084: { fault: "platform", meaning: "Durable Objects need the Workers Paid plan" },
	10353: { fault: "platform", meaning: "the account is blocked from deploying Workers" },
};

/** Cloudflare's verdict on a call: by the first error whose code is in the table, else by the HTTP status. */
export function faultOf(status: number, errors: readonly CloudflareMessage[]): Fault {
	for (const { code } of errors) {
		const known = CLOUDFLARE_ERRORS[code];
		if (known) return known.fault;
	}
	return status === 0 || status === 429 || status >= 500 ? "transient" : "platform";
}

/** A delete that found nothing to delete: the script is gone, which is what was asked. Any other 404 (a wrong namespace or account) is not. */
export const isScriptGone = (error: { status: number; errors: readonly CloudflareMessage[] }): boolean =>
	error.status === 404 && error.errors.some((e) => e.code === 10007);
