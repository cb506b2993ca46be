/**
 * One HTTP call to the API, with the API's error shape turned into ApiError, an unreachable API into
 * NetworkError and an aborted signal (Ctrl-C) into CancelledError. How the bytes travel is the
 * caller's: the CLI's fetch reaches *.localhost (loopback/ at the root), the panel's is its service
 * binding to the API.
 */

import { ERROR_STATUS, type ErrorCode } from "../http/errors.ts";
import { ApiError, CancelledError, NetworkError, type RequestInfo } from "./errors.ts";

/** The fetch a client sends its calls with. */
export type ApiFetch = (url: string, init: RequestInit) => Promise<Response>;

export interface ApiClientOptions {
	/** The API's origin, e.g. http://api.localhost:8787 (no /v1). */
	baseUrl: string;
	/** A tenant's token or the operator's admin token; none for calls that need none. */
	token: string | undefined;
	fetch: ApiFetch;
	/** Aborts every call (the CLI's Ctrl-C); never aborted when omitted. */
	signal?: AbortSignal;
}

export interface CallInit {
	json?: unknown;
	body?: RequestInit["body"];
	headers?: Record<string, string>;
}

export class Transport {
	readonly baseUrl: string;
	readonly signal: AbortSignal;
	private readonly token: string | undefined;
	private readonly fetch: ApiFetch;

	constructor(options: ApiClientOptions) {
		this.baseUrl = options.baseUrl;
		this.token = options.token;
		this.fetch = options.fetch;
		this.signal = options.signal ?? new AbortController().signal;
	}

	request(method: string, path: string): RequestInfo {
		return { method, url: `${this.baseUrl}${path}` };
	}

	/** The response of a call that succeeded (2xx); anything else throws. */
	async call(method: string, path: string, init: CallInit = {}): Promise<Response> {
		const request = this.request(method, path);
		const headers: Record<string, string> = { accept: "application/json", ...init.headers };
		// A call that brings its own credential (an asset upload's session token) keeps it.
		if (this.token && !headers.authorization) headers.authorization = `Bearer ${this.token}`;
		let body = init.body;
		if (init.json !== undefined) {
			headers["content-type"] = "application/json";
			body = JSON.stringify(init.json);
		}
		let response: Response;
		try {
			response = await this.fetch(request.url, {
				method,
				headers,
				body,
				signal: this.signal,
				// A streamed upload body needs half-duplex; it is harmless for the others.
				...(body instanceof ReadableStream ? { duplex: "half" } : {}),
			} as RequestInit);
		} catch (error) {
			if (this.signal.aborted) throw cancelled(request);
			throw new NetworkError(request, networkReason(error), { cause: error });
		}
		if (!response.ok) throw await apiError(response, request);
		return response;
	}

	async json<T>(method: string, path: string, init: CallInit = {}): Promise<T> {
		const response = await this.call(method, path, init);
		return (await readJson(response, this.request(method, path))) as T;
	}
}

export function cancelled({ method, url }: RequestInfo): CancelledError {
	return new CancelledError(
		method === "GET" ? "cancelled" : `cancelled while waiting for ${method} ${url}: the platform may still have applied it`,
	);
}

async function readJson(response: Response, request: RequestInfo): Promise<unknown> {
	const text = await response.text();
	try {
		return JSON.parse(text);
	} catch {
		throw new ApiError(response.status, "unexpected_response", `the answer is not JSON (${contentType(response)})`, request);
	}
}

const contentType = (response: Response) => response.headers.get("content-type") ?? "no content type";

/** The API's `{"error": {code, message}}`, or a description of whatever else came back. */
async function apiError(response: Response, request: RequestInfo): Promise<ApiError> {
	const body = await response.json().catch(() => undefined);
	return errorFromBody(body, request, response.status, contentType(response));
}

export function errorFromBody(body: unknown, request: RequestInfo, status?: number, type = "application/json"): ApiError {
	const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
	if (typeof error?.code === "string" && typeof error.message === "string") {
		const code = error.code as ErrorCode;
		return new ApiError(status ?? ERROR_STATUS[code] ?? 500, code, error.message, request, body as Record<string, unknown>);
	}
	return new ApiError(
		status ?? 500,
		"unexpected_response",
		`the API answered ${status ?? "an error"} without an error body (${type})`,
		request,
	);
}

/** Why fetch failed, from undici's cause (ECONNREFUSED, ENOTFOUND, …). */
function networkReason(error: unknown): string {
	const cause = (error as { cause?: { code?: string; message?: string } }).cause;
	return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
