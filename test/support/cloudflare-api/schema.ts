/**
 * Cloudflare's documented wire formats, as far as Ferry uses them, written down once so the fake API
 * (./server.ts) checks every request against them. Sources:
 *
 * - Script upload (Workers for Platforms): `PUT /accounts/{account_id}/workers/dispatch/namespaces/
 *   {dispatch_namespace}/scripts/{script_name}`, `multipart/form-data` with a `metadata` part and one
 *   part per module, "named by the module path", typed by module kind
 *   (https://developers.cloudflare.com/cloudflare-for-platforms/workers-for-platforms/reference/metadata/,
 *   https://developers.cloudflare.com/workers/configuration/multipart-upload-metadata/).
 * - Metadata: `main_module` (required: "the part name that contains the module entry point"),
 *   `compatibility_date`, `compatibility_flags`, `bindings` (`{type: "plain_text", name, text}`,
 *   `{type: "secret_text", name, text}`), and for user Workers `tags` (strings; used in
 *   `?tags=<tag>:yes` filters, https://developers.cloudflare.com/cloudflare-for-platforms/workers-for-platforms/configuration/tags/).
 * - Module content types: the ones wrangler sends (wrangler's `moduleTypeMimeType`:
 *   esm `application/javascript+module`, commonjs `application/javascript`, compiled-wasm
 *   `application/wasm`, text `text/plain`, buffer `application/octet-stream`, python `text/x-python`)
 *   plus `text/javascript` (CommonJS) and `application/source-map` for source maps.
 * - Every answer is the v4 envelope `{success, errors: [{code, message}], messages, result}`
 *   (https://developers.cloudflare.com/fundamentals/api/); upload errors carry the codes listed at
 *   https://developers.cloudflare.com/workers/observability/errors/#errors-on-worker-upload
 *   (10021 validation error: "Uncaught SyntaxError: … at worker.js:100"; 10007 Worker not found).
 * - Rate limiting: 429 with `retry-after` in seconds, "only returned when the request has exceeded the
 *   rate limit" (https://developers.cloudflare.com/fundamentals/api/reference/limits/).
 * - Auth: `Authorization: Bearer <token>`; a token that is not valid for the account answers 403
 *   `{code: 10000, message: "Authentication error"}`.
 * - Static assets (https://developers.cloudflare.com/workers/static-assets/direct-upload/):
 *   `POST …/dispatch/namespaces/{ns}/scripts/{script}/assets-upload-session` with
 *   `{"manifest": {"/path": {"hash": 32 hex, "size"}}}` (each file under 25 MiB, at most 20,000) →
 *   `{jwt, buckets}`, the JWT valid for one hour, `buckets` empty and `jwt` the completion token when
 *   nothing is missing; `POST /accounts/{id}/workers/assets/upload?base64=true`, the upload JWT as bearer
 *   token, multipart with base64 file contents, each part's Content-Type kept for serving
 *   (`application/null`: none) → 202, then 201 with the completion `jwt` once every file is in; the
 *   script upload's metadata `assets: {jwt, config: {html_handling, not_found_handling, run_worker_first}}`
 *   and an optional `{type: "assets", name}` binding; an assets-only script has no `main_module`.
 */
import { z } from "zod";

/** Module part content types the upload API takes, and the module kind each one means. */
export const MODULE_CONTENT_TYPES = {
	"application/javascript+module": "esm",
	"text/javascript+module": "esm",
	"application/javascript": "commonjs",
	"text/javascript": "commonjs",
	"application/wasm": "wasm",
	"text/plain": "text",
	"application/octet-stream": "data",
	"application/source-map": "sourcemap",
	"text/x-python": "python",
	"text/x-python-requirement": "python-requirement",
} as const;

const bindingName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a binding name is a JavaScript identifier");

const textBindingSchema = z.strictObject({
	type: z.enum(["plain_text", "secret_text"]),
	name: bindingName,
	text: z.string(),
});

const assetsBindingSchema = z.strictObject({ type: z.literal("assets"), name: bindingName });

export const ASSET_HASH = /^[0-9a-f]{32}$/;
export const MAX_ASSET_FILES = 20_000;
export const MAX_ASSET_BYTES = 25 * 1024 * 1024;

export const assetsManifestSchema = z
	.record(
		z.string().startsWith("/"),
		z.strictObject({ hash: z.string().regex(ASSET_HASH), size: z.number().int().min(0).max(MAX_ASSET_BYTES) }),
	)
	.refine((manifest) => Object.keys(manifest).length <= MAX_ASSET_FILES, { message: `at most ${MAX_ASSET_FILES} files` });

const assetsConfigSchema = z.strictObject({
	html_handling: z.enum(["auto-trailing-slash", "force-trailing-slash", "drop-trailing-slash", "none"]).optional(),
	not_found_handling: z.enum(["single-page-application", "404-page", "none"]).optional(),
	run_worker_first: z.union([z.boolean(), z.array(z.string())]).optional(),
});

/**
 * The metadata fields Ferry may send. Strict: a field Cloudflare does not document (a typo such as
 * `compatibility_flag`) fails the contract instead of being silently ignored by the real API.
 * Binding types other than text and assets are documented too, but Ferry never sends them.
 */
export const scriptMetadataSchema = z.strictObject({
	// Required but for an assets-only script (checked with the parts).
	main_module: z.string().min(1).optional(),
	compatibility_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
	compatibility_flags: z.array(z.string().min(1)).optional(),
	bindings: z.array(z.union([textBindingSchema, assetsBindingSchema])).optional(),
	assets: z.strictObject({ jwt: z.string().min(1), config: assetsConfigSchema.optional() }).optional(),
	// Script tags: no ',' or ':' (they separate filters in `?tags=a:yes,b:no`); the tags page caps them
	// at eight per script.
	tags: z
		.array(z.string().regex(/^[^,:]{1,256}$/))
		.max(8)
		.optional(),
});
export type ScriptMetadata = z.infer<typeof scriptMetadataSchema>;

/** Script names in a namespace: what the dashboard and API accept. */
export const SCRIPT_NAME = /^[a-z0-9_][a-z0-9_-]{0,62}$/;

export interface CloudflareMessage {
	code: number;
	message: string;
}

export const envelope = (result: unknown, errors: CloudflareMessage[] = []) => ({
	success: errors.length === 0,
	errors,
	messages: [],
	result: errors.length === 0 ? result : null,
});
