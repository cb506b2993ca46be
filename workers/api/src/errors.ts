/**
 * What a client is told about an error, for the plain answer (app.onError) and the streamed one
 * (deploy/progress.ts) alike: a FerryError as it is; a request Hono could not read as
 * invalid_request; anything else is the platform's own failure, logged under the request's id,
 * which the internal_error answer names.
 */
import { HTTPException } from "hono/http-exception";
import { FerryError, internalError } from "../../shared/http/errors";
import { requestIdOf } from "../../shared/http/request-id";
import { log } from "../../shared/log";

export function clientError(error: unknown, request: Request): FerryError {
	if (error instanceof FerryError) return error;
	// Hono raises these for requests it cannot read (e.g. a malformed JSON body).
	if (error instanceof HTTPException && error.status < 500)
		return new FerryError("invalid_request", error.message || "the request could not be read");
	const requestId = requestIdOf(request);
	log.error("unhandled API error", { requestId, method: request.method, path: new URL(request.url).pathname, error });
	return internalError(requestId);
}
