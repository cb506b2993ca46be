/**
 * Request validation: zod for every input, our error shape when it fails. A JSON body is read here
 * and nowhere else, by one rule (docs/api.md, "Request bodies"):
 *
 *   - `content-type: application/json` (or `application/<x>+json`): parsed; malformed JSON is a 400;
 *   - no content type and no bytes: no body, read as `{}` (so an endpoint whose fields are all
 *     optional takes an empty request, and one with required fields says it needs a body);
 *   - anything else (text/plain, a form, multipart, bytes without a content type): 415
 *     `unsupported_media_type`. Never read as `{}`: a body the endpoint could not read must not
 *     become its defaults (a rollback would move to the wrong deployment).
 *
 * Hono's json validator alone reads a body of any other type as `{}`, which is why it is never used
 * without the check below.
 */
import { zValidator } from "@hono/zod-validator";
import type { Context, ValidationTargets } from "hono";
import { z } from "zod";
import { formatBytes } from "../../shared/format";
import { BodyIncompleteError, BodyTooLargeError, readLimited } from "../../shared/http/body";
import { FerryError } from "../../shared/http/errors";
import { scriptNameProblem } from "../../shared/names";

/** A JSON request body is a few settings; the largest (an allow-list of 100 hosts) is ~25 KB. */
export const JSON_BODY_BYTES = 64 * 1024;

/** The media types a JSON body may be sent as: what Hono's validator parses. */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/;

export const mediaTypeOf = (contentType: string | undefined): string | undefined =>
	(contentType ?? "").split(";")[0]!.trim().toLowerCase() || undefined;

/** Validates a request part with zod and answers our error shape (not the validator's) when it fails. */
export const validate = <Target extends keyof ValidationTargets, Schema extends z.ZodType>(target: Target, schema: Schema) => {
	const check = zValidator(target, schema, (result) => {
		if (!result.success)
			throw new FerryError("invalid_request", `invalid ${target}: ${z.prettifyError(result.error).replace(/\n/g, "; ")}`);
	});
	if (target !== "json") return check;
	const withBody: typeof check = async (c, next) => {
		await readJsonBody(c, schema);
		return check(c, next);
	};
	return withBody;
};

/**
 * Reads the body once, under JSON_BODY_BYTES, refusing what is not JSON; leaves it in Hono's body
 * cache for the validator to parse.
 */
async function readJsonBody(c: Context, schema: z.ZodType): Promise<void> {
	const bytes = await jsonBytes(c.req.raw, JSON_BODY_BYTES);
	if (bytes.byteLength === 0 && mediaTypeOf(c.req.header("content-type")) === undefined && !schema.safeParse({}).success)
		throw new FerryError("invalid_request", "this endpoint needs a JSON body, sent with content-type: application/json");
	// Hono's body cache holds the promise of each reading (its type says the method): the validator reads from it.
	(c.req.bodyCache as { arrayBuffer?: Promise<ArrayBuffer> }).arrayBuffer = Promise.resolve(bytes.slice().buffer);
}

/**
 * The same rule for an endpoint that reads a larger JSON body itself (an asset manifest): the parsed
 * body, or `undefined` when there is none. `asText` also takes `text/plain`, for the one client that
 * sends JSON so: wrangler creates a live tail with a string body and no content type, which its
 * fetch (undici) sends as `text/plain;charset=UTF-8`.
 */
export async function readJson(request: Request, limit: number, { asText = false } = {}): Promise<unknown> {
	const bytes = await jsonBytes(request, limit, asText);
	if (bytes.byteLength === 0) return undefined;
	try {
		return JSON.parse(new TextDecoder().decode(bytes));
	} catch {
		throw new FerryError("invalid_request", "the body is not valid JSON");
	}
}

/** The body's bytes, if it is JSON by the rule above (or empty with no content type). */
async function jsonBytes(request: Request, limit: number, asText = false): Promise<Uint8Array> {
	const mediaType = mediaTypeOf(request.headers.get("content-type") ?? undefined);
	if (mediaType !== undefined && !JSON_MEDIA_TYPE.test(mediaType) && !(asText && mediaType === "text/plain"))
		throw new FerryError(
			"unsupported_media_type",
			`this endpoint takes a JSON body sent with content-type: application/json, not ${mediaType}`,
		);
	const bytes = await readBody(request, limit);
	if (mediaType === undefined && bytes.byteLength > 0)
		throw new FerryError("unsupported_media_type", "the body has no content type: send JSON with content-type: application/json");
	return bytes;
}

async function readBody(request: Request, limit: number): Promise<Uint8Array> {
	try {
		return await readLimited(request, limit);
	} catch (error) {
		if (error instanceof BodyTooLargeError) throw new FerryError("payload_too_large", `this JSON body is at most ${formatBytes(limit)}`);
		if (error instanceof BodyIncompleteError) throw new FerryError("invalid_request", "the body broke off before its end");
		throw error;
	}
}

/** A script name from a path, checked before anything is read or stored. */
export function checkScriptName(name: string): void {
	const problem = scriptNameProblem(name);
	if (problem) throw new FerryError("invalid_script_name", `invalid script name '${name}': ${problem}`);
}
