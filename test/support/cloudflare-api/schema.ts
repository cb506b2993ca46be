/**
 * Cloudflare's documented wire formats and limits, as far as Ferry uses them, written down once so the
 * fake API (./app.ts) checks every request against them. Sources:
 *
 * - Script upload (Workers for Platforms): `PUT /accounts/{account_id}/workers/dispatch/namespaces/
 *   {dispatch_namespace}/scripts/{script_name}`, `multipart/form-data` with a `metadata` part and one
 *   part per module, "named by the module path", typed by module kind (the `cloudflare` SDK,
 *   src/resources/workers-for-platforms/dispatch/namespaces/scripts/scripts.ts `ScriptUpdateParams`;
 *   https://developers.cloudflare.com/workers/configuration/multipart-upload-metadata/). wrangler adds
 *   `?excludeScript=true` "so the whole body of the script doesn't get included in the response"
 *   (wrangler-dist/cli.js, deploy).
 * - Its answer (`ScriptUpdateResponse`): `startup_time_ms` (always), `handlers` ("the names of handlers
 *   exported as part of the default export"), `id`, `etag`, `tags`, `compatibility_date`, ….
 * - Metadata: `main_module`, `compatibility_date`, `compatibility_flags`, `bindings`
 *   (`{type: "plain_text" | "secret_text", name, text}`, `{type: "json", name, json}`), `tags`,
 *   `limits` (`{cpu_ms, subrequests}`) and `tail_consumers` ("List of Workers that will consume logs
 *   from the attached Worker": `{service, environment?, namespace?}`; the SDK's
 *   `ScriptUpdateParams.Metadata.tail_consumers`).
 * - Module content types: the SDK's list (`ScriptUpdateParams.files`): `application/javascript+module`,
 *   `text/javascript+module`, `application/javascript`, `text/javascript`, `text/x-python`,
 *   `text/x-python-requirement`, `application/wasm`, `text/plain`, `application/octet-stream`,
 *   `application/source-map`. There is no JSON module type. wrangler sends CommonJS as
 *   `application/javascript` (its `moduleTypeMimeType`).
 * - Delete: "This call has no response body on a successful delete" (the SDK's `delete`); delete by tag
 *   is `DELETE …/dispatch/namespaces/{ns}/scripts?tags=<tag>:yes` (Workers for Platforms, Tags).
 * - Tags: at most eight per script; "avoid special characters like `,` and `&`" (Tags; the fake also
 *   refuses `:`, which separates a tag from yes/no in `?tags=` filters).
 * - Upload errors (https://developers.cloudflare.com/workers/observability/errors/#errors-on-worker-upload):
 *   10007 Worker not found, 10016 invalid Worker name, 10021 validation error (the startup error, e.g.
 *   "Uncaught SyntaxError: … at worker.js:100", "Script startup exceeded CPU time limit."), 10026 could
 *   not parse the body, 10027 size limit, 10054 a variable over its size limit, 10055 too many
 *   variables, 10068 no registered event handlers. Compatibility messages are workerd's own
 *   (src/workerd/io/compatibility-date.c++, CURRENT_DATE_FOR_CLOUDFLARE).
 * - Limits (https://developers.cloudflare.com/workers/platform/limits/): Worker size 64 MiB
 *   uncompressed (since 2026; cloudflare-docs#31002), startup 1 s (changelog 2025-10-10), 128
 *   environment variables per Worker (text and secret together), 5 KB each, CPU 30 s by default and
 *   at most 5 min (`limits.cpu_ms` up to 300,000; changelog 2025-03-25).
 * - Rate limiting (https://developers.cloudflare.com/fundamentals/api/reference/limits/): 1,200 requests
 *   per five minutes per token; past it, "all API calls for the next five minutes will be blocked"
 *   with 429. Every answer carries `Ratelimit` (`"default";r=<left>;t=<seconds>`) and
 *   `Ratelimit-Policy` (`"default";q=<quota>;w=<window>`); `retry-after` only on a 429.
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
 * - KV namespaces (https://developers.cloudflare.com/api/resources/kv/subresources/namespaces/methods/create/):
 *   `POST /accounts/{account_id}/storage/kv/namespaces` with JSON `{title}` (at most 512 characters;
 *   permission "Workers KV Storage Write") → `{id (32 hex), title, supports_url_encoding}`; "a 400
 *   is returned if the account already owns a namespace with this title", code 10014 "a namespace
 *   with this account ID and title already exists" (workers-sdk#13242). `GET` the same path lists
 *   them, `page` and `per_page` (at most 100), with `result_info {page, per_page, count,
 *   total_count}`. A script binds one as `{type: "kv_namespace", name, namespace_id}` (multipart
 *   upload metadata, "Bindings"); an id the account does not hold is refused at upload with 10041
 *   "KV namespace '<id>' is not valid." (the message wrangler users see).
 * - R2 buckets (https://developers.cloudflare.com/api/resources/r2/subresources/buckets/methods/create/):
 *   `POST /accounts/{account_id}/r2/buckets` with JSON `{name, locationHint?, storageClass?}`
 *   (permission "Workers R2 Storage Write"; the name 3-64 characters in the API, R2's naming rules:
 *   lowercase letters, digits and '-', 3-63, starting and ending with a letter or digit,
 *   https://developers.cloudflare.com/r2/buckets/create-buckets/) → `{name, creation_date, location,
 *   storage_class}`; a name the account already holds answers 409, code 10004 "The bucket you tried
 *   to create already exists, and you own it."; a bad name 10005. A script binds one as
 *   `{type: "r2_bucket", name, bucket_name, jurisdiction?}`; a bucket the account does not hold is
 *   refused at upload with 10085 "R2 bucket '<name>' not found. Please use a different name and try
 *   again." (workers-sdk#11253).
 * - D1 databases (https://developers.cloudflare.com/api/resources/d1/subresources/database/methods/create/):
 *   `POST /accounts/{account_id}/d1/database` with JSON `{name, primary_location_hint?, jurisdiction?}`
 *   (permission "D1 Write") → the database `{uuid, name, version, num_tables, file_size, created_at}`;
 *   a name the account already holds answers code 7502, which wrangler shows as "A database with that
 *   name already exists" (workers-sdk#2143). `GET` the same path lists them, `name` (a filter),
 *   `page` and `per_page`. A script binds one as `{type: "d1", name, id}` (multipart upload metadata,
 *   "Bindings"; `id` the database's UUID).
 * - Durable Objects (multipart upload metadata, "Bindings" and "Migrations";
 *   https://developers.cloudflare.com/api/resources/workers/ `SingleStepMigration`,
 *   `MultipleStepMigrations`, `MigrationStep`): a binding `{type: "durable_object_namespace", name,
 *   class_name, script_name?, environment?, namespace_id?}` ("script_name: the script where the
 *   Durable Object is defined, if it is external to this Worker"); `migrations` is one step
 *   `{old_tag?, new_tag?, new_classes?, new_sqlite_classes?, renamed_classes?, deleted_classes?,
 *   transferred_classes?}` or `{old_tag?, new_tag?, steps: [step]}`; "old_tag: tag used to verify
 *   against the latest migration tag for this Worker. If they don't match, the upload is rejected."
 *   A script's tag is read back as `script.migration_tag` of `GET …/scripts/{script_name}` (what
 *   wrangler's deploy reads). A binding to a class the script's migrations never created is refused
 *   (10061, "Cannot create binding for class … because it is not currently configured to implement
 *   Durable Objects"); a class the code does not export fails the upload.
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
export type ModuleKind = (typeof MODULE_CONTENT_TYPES)[keyof typeof MODULE_CONTENT_TYPES];

/** The numbers Cloudflare enforces (sources above). */
export const CLOUDFLARE_LIMITS = {
	/** All modules of a Worker, uncompressed. */
	scriptBytes: 64 * 1024 * 1024,
	/** Parsing the modules and running their top level. */
	startupMs: 1_000,
	/** Text and secret bindings of one Worker, together. */
	envVars: 128,
	/** One text or secret binding's value ("5 KB"), read as 5 KiB of UTF-8. */
	envVarBytes: 5 * 1024,
	/** `limits.cpu_ms` of a Worker: the default, and the most the paid plan allows. */
	defaultCpuMs: 30_000,
	maxCpuMs: 300_000,
	tagsPerScript: 8,
	/** Requests per token per window, and the window (also how long a token is locked out past it). */
	requestQuota: 1_200,
	requestWindowSeconds: 300,
} as const;

const bindingName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a binding name is a JavaScript identifier");

const textBindingSchema = z.strictObject({
	type: z.enum(["plain_text", "secret_text"]),
	name: bindingName,
	text: z.string(),
});

/** A tag Cloudflare takes and its `?tags=` filters can name. */
export const TAG = /^[^,&:]{1,256}$/;

const assetsBindingSchema = z.strictObject({ type: z.literal("assets"), name: bindingName });

/** A KV namespace of the account (`namespace_id`: its 32-hex id). */
const kvBindingSchema = z.strictObject({
	type: z.literal("kv_namespace"),
	name: bindingName,
	namespace_id: z.string().regex(/^[0-9a-f]{32}$/, "a KV namespace id is 32 hex characters"),
});

/** R2's bucket naming rules. */
export const R2_BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export const r2BucketCreateSchema = z.strictObject({
	name: z.string().regex(R2_BUCKET_NAME, "3-63 lowercase letters, digits and '-', starting and ending with a letter or digit"),
	locationHint: z.enum(["apac", "eeur", "enam", "weur", "wnam", "oc"]).optional(),
	storageClass: z.enum(["Standard", "InfrequentAccess"]).optional(),
});

/** An R2 bucket of the account, by its name. */
const r2BindingSchema = z.strictObject({
	type: z.literal("r2_bucket"),
	name: bindingName,
	bucket_name: z.string().regex(R2_BUCKET_NAME, "an R2 bucket name"),
	jurisdiction: z.enum(["eu", "fedramp"]).optional(),
});

export const d1DatabaseCreateSchema = z.strictObject({
	name: z.string().min(1).max(64),
	primary_location_hint: z.enum(["wnam", "enam", "weur", "eeur", "apac", "oc"]).optional(),
	jurisdiction: z.enum(["eu", "fedramp"]).optional(),
});

/** A D1 database of the account, by its UUID. */
const d1BindingSchema = z.strictObject({ type: z.literal("d1"), name: bindingName, id: z.uuid() });

/** A Durable Object namespace: a class of this script, or of `script_name`. */
const durableObjectBindingSchema = z.strictObject({
	type: z.literal("durable_object_namespace"),
	name: bindingName,
	class_name: z.string().min(1),
	script_name: z.string().min(1).optional(),
	environment: z.string().min(1).optional(),
	namespace_id: z.string().min(1).optional(),
});

const classList = z.array(z.string().min(1)).optional();
const migrationStepSchema = z.strictObject({
	new_classes: classList,
	new_sqlite_classes: classList,
	deleted_classes: classList,
	renamed_classes: z.array(z.strictObject({ from: z.string(), to: z.string() })).optional(),
	transferred_classes: z.array(z.strictObject({ from: z.string(), from_script: z.string(), to: z.string() })).optional(),
});
const migrationsSchema = z.union([
	z.strictObject({ old_tag: z.string().optional(), new_tag: z.string().optional(), steps: z.array(migrationStepSchema) }),
	migrationStepSchema.extend({ old_tag: z.string().optional(), new_tag: z.string().optional() }),
]);

/** A var of any JSON type (`{type: "json", name, json}`): the value arrives in `env` as parsed JSON. */
const jsonBindingSchema = z.strictObject({ type: z.literal("json"), name: bindingName, json: z.json() });

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
 * Binding types other than text, JSON, assets, KV, R2, D1 and Durable Objects are documented too, but Ferry never sends them.
 */
export const scriptMetadataSchema = z.strictObject({
	// Required but for an assets-only script (checked with the parts).
	main_module: z.string().min(1).optional(),
	compatibility_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
	compatibility_flags: z.array(z.string().min(1)).optional(),
	bindings: z
		.array(
			z.union([
				textBindingSchema,
				jsonBindingSchema,
				assetsBindingSchema,
				kvBindingSchema,
				r2BindingSchema,
				d1BindingSchema,
				durableObjectBindingSchema,
			]),
		)
		.optional(),
	migrations: migrationsSchema.optional(),
	assets: z.strictObject({ jwt: z.string().min(1), config: assetsConfigSchema.optional() }).optional(),
	tags: z.array(z.string().regex(TAG, "a tag is 1-256 characters, none of them ',', '&' or ':'")).optional(),
	tail_consumers: z
		.array(
			z.strictObject({ service: z.string().min(1), environment: z.string().min(1).optional(), namespace: z.string().min(1).optional() }),
		)
		.optional(),
	limits: z
		.strictObject({
			cpu_ms: z.number().int().min(1).max(CLOUDFLARE_LIMITS.maxCpuMs).optional(),
			subrequests: z.number().int().min(1).optional(),
		})
		.optional(),
});
export type ScriptMetadata = z.infer<typeof scriptMetadataSchema>;

export const KV_TITLE_MAX = 512;
export const KV_LIST_MAX_PER_PAGE = 100;

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

/** A request the fake refuses: the status and Cloudflare's error entries. */
export class ApiError extends Error {
	readonly status: number;
	readonly errors: CloudflareMessage[];
	readonly headers: Record<string, string>;

	constructor(status: number, errors: CloudflareMessage[], headers: Record<string, string> = {}) {
		super(errors.map((e) => e.message).join("; "));
		this.status = status;
		this.errors = errors;
		this.headers = headers;
	}
}

export const refuse = (status: number, code: number, message: string) => new ApiError(status, [{ code, message }]);
