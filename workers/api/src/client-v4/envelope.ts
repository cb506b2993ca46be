/**
 * Cloudflare's v4 envelope: `{"success","errors":[{"code","message"}],"messages","result"}`, and the
 * one place a Ferry error becomes Cloudflare's shape. Ferry's message is kept; the numeric code is
 * the one Cloudflare uses for the same situation where wrangler branches on it (10000 auth, 10007
 * script not found, 10021 the code did not start, 10027 size), so wrangler's own handling applies.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { type ErrorCode, FerryError } from "../../../shared/http/errors";
import { clientError } from "../errors";
import type { CloudflareMessage } from "../publish/dispatch-namespace/errors";

/** Cloudflare's pagination block, for list answers wrangler pages through. */
export interface ResultInfo {
	page: number;
	per_page: number;
	count: number;
	total_count: number;
}

/** A success answer around `result`. */
export const ok = (c: Context, result: unknown, resultInfo?: ResultInfo, status: 200 | 201 | 202 = 200) =>
	c.json({ success: true, errors: [], messages: [], result, ...(resultInfo ? { result_info: resultInfo } : {}) }, status);

/** A whole list as one page. */
export const onePage = (c: Context, items: readonly unknown[]) =>
	ok(c, items, { page: 1, per_page: Math.max(items.length, 1), count: items.length, total_count: items.length });

/**
 * One page of a list wrangler pages through (`page`, `per_page`; it stops at a short page), with
 * Cloudflare's `result_info`. A query that is not a page number answers the first page.
 */
export function pageOf(c: Context, items: readonly unknown[], defaultPerPage: number, maxPerPage: number) {
	const number = (name: string, fallback: number) => {
		const value = Number(c.req.query(name) ?? fallback);
		return Number.isInteger(value) && value >= 1 ? value : fallback;
	};
	const page = number("page", 1);
	const perPage = Math.min(number("per_page", defaultPerPage), maxPerPage);
	const result = items.slice((page - 1) * perPage, page * perPage);
	return ok(c, result, { page, per_page: perPage, count: result.length, total_count: items.length });
}

/** An answer in Cloudflare's error shape. */
export class CloudflareError extends Error {
	readonly status: number;
	readonly code: number;

	constructor(status: number, code: number, message: string) {
		super(message);
		this.name = "CloudflareError";
		this.status = status;
		this.code = code;
	}

	toResponse(): Response {
		const error: CloudflareMessage = { code: this.code, message: this.message };
		return Response.json({ success: false, errors: [error], messages: [], result: null }, { status: this.status });
	}
}

/** Cloudflare's code (and, where it differs from Ferry's, status) for each Ferry error. */
const CLOUDFLARE_CODES: Record<ErrorCode, { code: number; status?: number }> = {
	unauthorized: { code: 10000 },
	forbidden: { code: 10000 },
	not_found: { code: 10007 },
	conflict: { code: 10035 },
	no_previous_deployment: { code: 10035 },
	name_taken: { code: 10016 },
	invalid_script_name: { code: 10016 },
	payload_too_large: { code: 10027 },
	unsupported_media_type: { code: 10026 },
	// Cloudflare's "rate limited" code.
	too_many_requests: { code: 971 },
	invalid_request: { code: 10026 },
	invalid_multipart: { code: 10026 },
	invalid_metadata: { code: 10026 },
	unsupported_config: { code: 10026 },
	invalid_cron: { code: 10026 },
	invalid_assets: { code: 10026 },
	invalid_asset_token: { code: 10026 },
	invalid_secret: { code: 10026 },
	// Cloudflare answers a Worker that did not start with 400 and 10021.
	deployment_failed: { code: 10021, status: 400 },
	internal_error: { code: 10013 },
	platform_unavailable: { code: 10013 },
};

export function fromFerry(error: FerryError): CloudflareError {
	const { code, status } = CLOUDFLARE_CODES[error.code];
	return new CloudflareError(status ?? error.status, code, error.message);
}

/** The /client/v4 error handler: Cloudflare's shape for everything, internal failures logged as /v1 logs them. */
export function cloudflareError(error: unknown, request: Request): CloudflareError {
	if (error instanceof CloudflareError) return error;
	if (error instanceof HTTPException && error.status < 500)
		return new CloudflareError(400, 10026, error.message || "the request could not be read");
	return fromFerry(error instanceof FerryError ? error : clientError(error, request));
}

/** Anything under /client/v4 Ferry does not speak: Cloudflare's "no route" code, saying so. */
export const notImplemented = (method: string, path: string) =>
	new CloudflareError(
		404,
		7000,
		`Ferry does not implement ${method} ${path} of Cloudflare's API; docs/wrangler.md lists what /client/v4 speaks`,
	);
