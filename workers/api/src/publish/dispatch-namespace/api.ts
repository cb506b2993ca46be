/**
 * A small client for the Cloudflare REST API (v4): the account's endpoints, bearer-token auth, the
 * `{success, errors, messages, result}` envelope (or no body: a delete's success), and retries of
 * what ./errors.ts calls transient, per ./retry.ts.
 *
 * Why plain fetch rather than the official `cloudflare` SDK: Ferry calls two endpoints (upload and
 * delete a namespace script). The SDK would add a large generated client to the API Worker's bundle
 * (and to its startup) for them; its own retry loop (2 retries by default, its own backoff) would
 * sit under ours, and we need ours to decide what a tenant is told when Cloudflare says no; and the
 * request it builds is what the contract tests (test/support/cloudflare-api/) must pin down, so owning
 * those ~100 lines keeps the wire format in view instead of inside a dependency.
 */
import { errorMessage } from "../../../../shared/describe-error";
import { log } from "../../../../shared/log";
import type { CloudflareConfig } from "./config";
import { type CloudflareMessage, faultOf } from "./errors";
import { backoffMs, DEFAULT_RETRY_POLICY, type RetryPolicy, retryAfterMs } from "./retry";

/** Every Cloudflare v4 answer, success or not. */
export interface Envelope<T = unknown> {
	success: boolean;
	errors: CloudflareMessage[];
	messages: CloudflareMessage[];
	result: T;
}

/** A call Cloudflare refused, or that got no answer (status 0), after the retries the policy allows. */
export class CloudflareApiError extends Error {
	override name = "CloudflareApiError";

	constructor(
		readonly status: number,
		readonly errors: readonly CloudflareMessage[],
		readonly attempts: number,
		/** How long Cloudflare asked us to wait, when it asked for longer than the policy waits. */
		readonly retryAfterMs?: number,
	) {
		super(`Cloudflare API ${status || "unreachable"}: ${describeErrors(errors)}`);
	}
}

/** Cloudflare's own messages with their codes, on one line: "Uncaught SyntaxError: … at index.js:1:16 (code 10021)". */
export const describeErrors = (errors: readonly CloudflareMessage[]): string =>
	errors.length === 0 ? "no error details" : errors.map((e) => `${e.message.trim().replace(/\s*\n\s*/g, " ")} (code ${e.code})`).join("; ");

export interface CloudflareApiOptions {
	retry?: RetryPolicy;
	sleep?: (ms: number) => Promise<void>;
	fetch?: typeof fetch;
}

export interface CallOptions {
	/** Multipart as it is; a plain object as JSON. */
	body?: FormData | Record<string, unknown>;
	/** Replaces the API token (the assets upload authenticates with its session's JWT). */
	token?: string;
	/** Query parameters, e.g. `{ excludeScript: "true" }`. */
	query?: Readonly<Record<string, string>>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function readEnvelope(response: Response): Promise<Envelope> {
	const text = await response.text();
	// A delete's success has no body at all (the SDK: "This call has no response body on a successful delete").
	if (response.ok && text.trim() === "") return { success: true, errors: [], messages: [], result: null };
	try {
		const body = JSON.parse(text) as Partial<Envelope>;
		return { success: body.success === true, errors: body.errors ?? [], messages: body.messages ?? [], result: body.result ?? null };
	} catch {
		// A proxy's HTML error page, or an empty 5xx: keep the status, say what came back.
		return { success: false, errors: [{ code: 0, message: `HTTP ${response.status} with a non-JSON body` }], messages: [], result: null };
	}
}

export class CloudflareApi {
	private readonly retry: RetryPolicy;
	private readonly sleep: (ms: number) => Promise<void>;
	private readonly fetch: typeof fetch;

	constructor(
		private readonly config: CloudflareConfig,
		options: CloudflareApiOptions = {},
	) {
		this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
		this.sleep = options.sleep ?? defaultSleep;
		// Bound: a detached `fetch` throws "Illegal invocation" in workerd.
		this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
	}

	/** The account-relative URL of `segments`, each one encoded (["workers", "scripts", name]), and its query. */
	url(segments: readonly string[], query: Readonly<Record<string, string>> = {}): string {
		const path = `${this.config.apiUrl}/accounts/${encodeURIComponent(this.config.accountId)}/${segments.map(encodeURIComponent).join("/")}`;
		const search = new URLSearchParams(query).toString();
		return search ? `${path}?${search}` : path;
	}

	/**
	 * Calls the API and returns `result` (null for an empty answer); throws CloudflareApiError once
	 * retrying is over. A plain object body is sent as JSON. `token` replaces the API token (the
	 * assets upload authenticates with its session's JWT).
	 */
	async call<T = unknown>(
		method: "GET" | "POST" | "PUT" | "DELETE",
		segments: readonly string[],
		{ body, query, token }: CallOptions = {},
	): Promise<T> {
		const url = this.url(segments, query);
		const json = body !== undefined && !(body instanceof FormData);
		const headers: Record<string, string> = { authorization: `Bearer ${token ?? this.config.apiToken}` };
		if (json) headers["content-type"] = "application/json";
		for (let attempt = 1; ; attempt++) {
			let error: CloudflareApiError;
			let retryAfter: number | undefined;
			try {
				// A FormData body is encoded afresh on every attempt, with its own multipart boundary.
				const response = await this.fetch(url, { method, body: json ? JSON.stringify(body) : body, headers });
				const envelope = await readEnvelope(response);
				if (response.ok && envelope.success) return envelope.result as T;
				retryAfter = retryAfterMs(response.headers.get("retry-after"));
				error = new CloudflareApiError(response.status, envelope.errors, attempt, retryAfter);
				if (faultOf(response.status, envelope.errors) !== "transient") throw error;
			} catch (thrown) {
				if (thrown instanceof CloudflareApiError) throw thrown;
				error = new CloudflareApiError(0, [{ code: 0, message: `no answer: ${errorMessage(thrown)}` }], attempt);
			}
			if (attempt >= this.retry.attempts) throw error;
			const wait = backoffMs(this.retry, attempt, retryAfter);
			if (wait > this.retry.maxWaitMs) throw error;
			log.warn("Cloudflare API call failed; retrying", { method, url, status: error.status, attempt, waitMs: wait });
			await this.sleep(wait);
		}
	}
}
