/**
 * The CLI's error vocabulary. Commands throw; main() hands every error to reportError(), the one place
 * that prints them (wrangler's core/handle-errors.ts is the model). A stack trace only with --debug.
 */
import { ApiError, CancelledError, NetworkError } from "../../../workers/shared/api-client/errors.ts";

export const EXIT = { ok: 0, failed: 1, cancelled: 130 } as const;

/** Another tool's multi-line message (wrangler's) on one line, code fences dropped: errors are one line. */
export const oneLine = (message: string): string =>
	message
		.split("\n")
		.map((line) => line.trim())
		.filter((line) => line && line !== "```")
		.join(" ");

/** The user's mistake: the message says what is wrong and how to fix it. */
export class UserError extends Error {
	override name = "UserError";
}

// The API client's errors (workers/shared/api-client/errors.ts), printed here like the CLI's own.
export { ApiError, CancelledError, NetworkError, type RequestInfo } from "../../../workers/shared/api-client/errors.ts";

export interface ErrorPrinter {
	error(message: string): void;
	hint(message: string): void;
	debug(text: string): void;
}

/** Prints `error` and returns the exit code. */
export function reportError(error: unknown, out: ErrorPrinter, debug: boolean): number {
	if (error instanceof CancelledError) {
		out.error(error.message);
		return EXIT.cancelled;
	}
	if (error instanceof UserError || error instanceof ApiError || error instanceof NetworkError) {
		out.error(error.message);
		const hint = hintFor(error);
		if (hint) out.hint(hint);
	} else {
		out.error(`ferry crashed: ${error instanceof Error ? error.message : String(error)}`);
		if (!debug) out.hint("run again with --debug for the stack trace, and report it");
	}
	if (debug && error instanceof Error && error.stack) out.debug(error.stack);
	return EXIT.failed;
}

function hintFor(error: ApiError | NetworkError | UserError): string | undefined {
	if (error instanceof NetworkError)
		return "is the platform running (npm run dev) and is the API URL right? Check `ferry whoami`, --api-url or FERRY_API_URL";
	if (error instanceof ApiError && error.code === "unauthorized")
		return "log in with `ferry login` (or set FERRY_API_TOKEN); the token may have been revoked";
	if (error instanceof ApiError && error.code === "deployment_failed") {
		const id = (error.body.deployment as { id?: string } | undefined)?.id;
		return `the script's previous deployment (if any) keeps serving; details: ferry deployments view ${id ?? "<id>"}`;
	}
	return undefined;
}
