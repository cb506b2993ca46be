/**
 * What a call to the Ferry API can fail with, for every client of it (the CLI, the panel, the bench):
 * the API's own error (its code from docs/api.md), no answer at all, or a call the caller cancelled.
 * The CLI prints them (cli/src/core/errors.ts); the panel turns them into pages.
 */
import type { ErrorCode } from "../http/errors.ts";

export interface RequestInfo {
	method: string;
	/** The API URL the request went to. */
	url: string;
}

const describeRequest = ({ method, url }: RequestInfo) => `${method} ${url}`;

/** The API answered with an error. `code` is the API's (docs/api.md); clients branch on it. */
export class ApiError extends Error {
	override name = "ApiError";
	readonly status: number;
	readonly code: ErrorCode | "unexpected_response";
	readonly request: RequestInfo;
	/** The API's own message, without the request appended (what a page shows). */
	readonly apiMessage: string;
	/** The whole error body (a failed deploy carries its deployment). */
	readonly body: Record<string, unknown>;

	constructor(status: number, code: ApiError["code"], message: string, request: RequestInfo, body: Record<string, unknown> = {}) {
		super(`${message} (${describeRequest(request)} → ${status} ${code})`);
		this.status = status;
		this.code = code;
		this.request = request;
		this.apiMessage = message;
		this.body = body;
	}
}

/** The API could not be reached at all. */
export class NetworkError extends Error {
	override name = "NetworkError";
	readonly request: RequestInfo;

	constructor(request: RequestInfo, reason: string, options?: ErrorOptions) {
		super(`could not reach the Ferry API: ${describeRequest(request)} failed (${reason})`, options);
		this.request = request;
	}
}

/** The caller's signal aborted the call. The message says what was left on the platform (nothing, or a deploy that finishes on its own). */
export class CancelledError extends Error {
	override name = "CancelledError";
}
