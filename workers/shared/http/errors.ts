/**
 * Ferry's one error vocabulary. Every API error is `{"error":{"code","message"}}` with the status
 * that goes with its code; clients branch on `code`, never on `message`. docs/api.md lists exactly
 * these codes (test/node/api-docs.test.ts holds the two together).
 */
export const ERROR_STATUS = {
	unauthorized: 401,
	forbidden: 403,
	not_found: 404,
	conflict: 409,
	name_taken: 409,
	no_previous_deployment: 409,
	payload_too_large: 413,
	unsupported_media_type: 415,
	too_many_requests: 429,
	invalid_request: 400,
	invalid_multipart: 400,
	invalid_metadata: 400,
	invalid_script_name: 400,
	invalid_assets: 400,
	invalid_asset_token: 400,
	invalid_secret: 400,
	unsupported_config: 400,
	invalid_cron: 400,
	deployment_failed: 422,
	internal_error: 500,
	platform_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
	error: { code: ErrorCode; message: string };
}

/** An error whose message is safe to show the client: it says what went wrong and how to fix it. */
export class FerryError extends Error {
	readonly status: (typeof ERROR_STATUS)[ErrorCode];
	readonly code: ErrorCode;
	/** Extra fields sent beside `error` (e.g. the failed deployment). */
	readonly extra: Record<string, unknown>;

	// Plain fields rather than parameter properties: Node strips types only from erasable syntax (the CLI imports this).
	constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
		super(message);
		this.name = "FerryError";
		this.code = code;
		this.extra = extra;
		this.status = ERROR_STATUS[code];
	}

	toJSON(): ErrorBody & Record<string, unknown> {
		return { error: { code: this.code, message: this.message }, ...this.extra };
	}

	toResponse(): Response {
		return Response.json(this.toJSON(), { status: this.status });
	}
}

export const notFound = (what: string) => new FerryError("not_found", `${what} not found`);

/** The platform itself failed: the client learns the id it was logged under (see request-id.ts), nothing more. */
export const internalError = (requestId: string) =>
	new FerryError("internal_error", `internal error; the platform logged it as ${requestId}`);
