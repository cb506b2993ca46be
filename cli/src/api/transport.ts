/**
 * One HTTP call to the API, with the API's error shape turned into ApiError, an unreachable API into
 * NetworkError and Ctrl-C into CancelledError. *.localhost goes to loopback (loopback/ at the root).
 */

import { loopbackFetch } from "../../../loopback/index.ts";
import { ERROR_STATUS, type ErrorCode } from "../../../workers/shared/http/errors.ts";
import { ApiError, CancelledError, NetworkError, type RequestInfo } from "../core/errors.ts";

export interface CallInit {
	json?: unknown;
	body?: RequestInit["body"];
	headers?: Record<string, string>;
}

export class Transport {
	readonly baseUrl: string;
	readonly signal: AbortSignal;
	private readonly token: string | undefined;

	constructor(baseUrl: string, token: string | undefined, signal: AbortSignal) {
		this.baseUrl = baseUrl;
		this.token = token;
		this.signal = signal;
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
			response = await loopbackFetch(request.url, {
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
