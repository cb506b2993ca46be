/**
 * Every field of a script upload's `metadata` part (Cloudflare's format, as wrangler's
 * `createWorkerUploadForm` writes it, plus Ferry's own `vars` and `wasi`) and every binding type
 * inside `bindings`, with what Ferry does. The API refuses a refused field or binding type, and any
 * field or type not listed, with 400 `unsupported_config` naming it (workers/api/src/deploy/upload.ts).
 * A binding type has a twin in wrangler-config.ts (the config key it comes from): flip both.
 */
import { differently, type Row, refused, supported } from "./rows.ts";

const NOT_PROVIDED = "a Cloudflare product Ferry does not provide to tenant code";

/** A migration step Ferry cannot honour: it renames, deletes or transfers a class. */
const REFUSED_STEPS = ["renamed_classes", "deleted_classes", "transferred_classes"];
function migrationRefused(value: unknown): boolean {
	if (typeof value !== "object" || value === null) return true;
	const steps = [value, ...(Array.isArray((value as { steps?: unknown }).steps) ? (value as { steps: unknown[] }).steps : [])];
	return steps.some((step) => typeof step === "object" && step !== null && REFUSED_STEPS.some((key) => key in step));
}

/** Secrets that survive a deploy: Ferry keeps nothing else from an earlier deployment. */
const KEPT_SECRETS = new Set(["secret_text", "secret_key"]);

export const UPLOAD_METADATA = {
	main_module: supported("the module that exports the handlers"),
	compatibility_date: supported("passed to the runtime as is"),
	compatibility_flags: supported("passed to the runtime as is"),
	bindings: supported("by type, below"),
	vars: supported("Ferry's shorthand for vars: `{NAME: value}`, any JSON value, the same as `plain_text` and `json` bindings"),
	wasi: supported('Ferry\'s: `"wagi"` serves the one module, a WASI command, CGI-style (docs/wasm.md)'),
	assets: supported("the upload session's completion token and the routing config (docs/assets.md)"),
	schedules: supported(
		"Ferry's: the script's cron triggers, `[{\"cron\": \"…\"}]` (wrangler's `[triggers] crons`); they replace the script's schedules when the deployment goes live (docs/cron.md)",
	),
	keep_assets: differently(
		"the assets are always the upload's: send them again (only what the platform lacks is uploaded); `true` is refused",
		{
			when: (value) => value !== false,
			example: true,
		},
	),
	keep_bindings: differently(
		'wrangler sends `["secret_text", "secret_key"]`: nothing is kept from an earlier deployment but its secrets; keeping any other type is refused',
		{
			when: (value) => !Array.isArray(value) || value.some((type) => !KEPT_SECRETS.has(type)),
			example: ["plain_text", "json"],
		},
	),
	observability: differently(
		"the platform keeps the telemetry of every script whatever the block says (its own tail consumer, not Workers Logs); its settings are not applied",
	),
	package_dependencies: differently("the project's packages, listed by wrangler for Cloudflare's dashboard; not used"),
	body_part: refused("service-worker syntax is not supported: upload ES modules with `main_module`", "index.js"),
	migrations: differently(
		"the classes a script's Durable Objects have: `new_sqlite_classes` and `new_classes` (SQLite-backed locally too), as `steps` or one step; Ferry keeps no migration tag, so an upload names every class it binds (`ferry deploy` and wrangler send all migrations); `renamed_classes`, `deleted_classes` and `transferred_classes` are refused (docs/bindings.md)",
		{ when: (value) => migrationRefused(value), example: { new_tag: "v2", deleted_classes: ["Counter"] } },
	),
	// Stock wrangler sends its default with every first upload (`PUT …/scripts/:name` through /client/v4).
	code_update_strategy: differently(
		"Durable Object code updates are not staged: wrangler's default (`{mode: deferred, max_delay: 300}`), which has nothing to update, is taken; any other strategy is refused",
		{
			when: (value) => JSON.stringify(value) !== JSON.stringify({ mode: "deferred", max_delay: 300 }),
			example: "immediate",
		},
	),
	exports: refused("declarative Durable Object and container exports need bindings Ferry does not provide yet", {
		Counter: { type: "durable-object", storage: "sqlite" },
	}),
	containers: refused(NOT_PROVIDED, [{ class_name: "Box" }]),
	capnp_schema: refused("unsafe capnp schemas are Cloudflare's internals", "schema.capnp"),
	logpush: refused("Workers Logpush belongs to a Cloudflare account, not a tenant", true),
	placement: refused("Ferry does not place Workers (Smart Placement is Cloudflare's)", { mode: "smart" }),
	tail_consumers: refused("tenant tail Workers are not supported", [{ service: "my-tail" }]),
	streaming_tail_consumers: refused("tenant tail Workers are not supported", [{ service: "my-tail" }]),
	limits: refused("CPU and subrequest limits come from the tenant's plan (docs/limits.md), not from the script", { cpu_ms: 50 }),
	// `wrangler versions upload` always sends the block, empty without --message and --tag.
	annotations: differently("deployment messages and tags are not kept: leave out `--message` and `--tag` (an empty block is taken)", {
		when: (value) => typeof value !== "object" || value === null || Object.keys(value).length > 0,
		example: { "workers/message": "hello" },
	}),
	cache_options: refused("the Workers cache settings are Cloudflare's", { enabled: true }),
	usage_model: refused("limits come from the tenant's plan (docs/limits.md)", "unbound"),
} satisfies Record<string, Row>;

/** A binding of each refused type, as wrangler would send it (`name` is added by the test). */
export const BINDING_TYPES = {
	plain_text: supported("a string var"),
	json: supported("a var of any JSON type (number, boolean, object, array), arriving in `env` as that value"),
	assets: supported("the deployment's static assets as a Fetcher (docs/assets.md)"),
	secret_text: supported(
		"set as the script's secret (sealed at rest, in `env` as a string) before the deployment runs, as `ferry secret put` would (docs/secrets.md)",
	),
	inherit: differently(
		"the KV namespace, D1 database or R2 bucket binding of that name of the script's live deployment, kept (what wrangler's deploy sends for a resource it provisioned earlier; docs/wrangler.md); a name the live deployment does not bind is refused",
	),
	kv_namespace: supported(
		"`namespace_id` names a namespace in the tenant's own space (provisioned on first deploy; docs/bindings.md); get (text, json, arrayBuffer, stream; one key or up to 100), getWithMetadata, put (metadata, expiration, expirationTtl), list (prefix, cursor, limit), delete",
	),
	d1: differently(
		"`id` names a database in the tenant's own space, never a Cloudflare id (docs/bindings.md); prepare, bind, first, all, raw, run, batch (one transaction), exec with D1's shapes and messages; withSession and dump are refused",
	),
	r2_bucket: differently(
		"`bucket_name` names a bucket in the tenant's own space (provisioned on first deploy; docs/bindings.md); head, get (range, onlyIf, Headers), put (httpMetadata, customMetadata, md5/sha checksums, onlyIf), list (prefix, delimiter, cursor, startAfter, limit, include), delete (one or many); multipart uploads are refused (the call fails in the tenant's code); locally a key is at most 1000 bytes and an object 100 MiB; `jurisdiction` is refused",
	),
	durable_object_namespace: differently(
		"`class_name`, a class of the script itself (created by its migrations, exported by its code): its objects are the script's, keyed by tenant and script; idFromName, newUniqueId, idFromString, get, getByName, fetch and RPC to the object, its SQLite storage, alarms (setAlarm, getAlarm, deleteAlarm, alarm() with retries; locally kept by the platform, since a facet cannot set one); in production Cloudflare's own (docs/bindings.md); `script_name` of another script and `environment` are refused",
	),
	service: differently(
		"another script of the same tenant by its name (another tenant's is refused like a missing one), its live deployment at each call: `fetch` and the RPC methods of its default export or of `entrypoint` (property reads are not forwarded); `environment` is refused (docs/bindings.md)",
	),
	secret_key: refused(NOT_PROVIDED, { algorithm: { name: "HMAC" }, format: "raw", usages: ["sign"] }),
	send_email: refused(NOT_PROVIDED, {}),
	workflow: refused(NOT_PROVIDED, { workflow_name: "flow", class_name: "Flow" }),
	queue: refused(NOT_PROVIDED, { queue_name: "queue" }),
	vectorize: refused(NOT_PROVIDED, { index_name: "index" }),
	ai_search_namespace: refused(NOT_PROVIDED, { namespace: "ns" }),
	ai_search: refused(NOT_PROVIDED, { instance_name: "search" }),
	agent_memory: refused(NOT_PROVIDED, { namespace: "memory" }),
	hyperdrive: refused(NOT_PROVIDED, { id: "0123456789abcdef0123456789abcdef" }),
	secrets_store_secret: refused(NOT_PROVIDED, { store_id: "store", secret_name: "secret" }),
	artifacts: refused(NOT_PROVIDED, { namespace: "ns" }),
	unsafe_hello_world: refused(NOT_PROVIDED, {}),
	flagship: refused(NOT_PROVIDED, { app_id: "app" }),
	ratelimit: refused(NOT_PROVIDED, { namespace_id: "1001", simple: { limit: 10, period: 60 } }),
	vpc_service: refused(NOT_PROVIDED, { service_id: "service" }),
	vpc_network: refused(NOT_PROVIDED, { network_id: "network" }),
	analytics_engine: refused(NOT_PROVIDED, { dataset: "dataset" }),
	dispatch_namespace: refused(NOT_PROVIDED, { namespace: "ns" }),
	mtls_certificate: refused(NOT_PROVIDED, { certificate_id: "cert" }),
	pipelines: refused(NOT_PROVIDED, { pipeline: "pipeline" }),
	k2: refused(NOT_PROVIDED, { stream: "stream" }),
	worker_loader: refused(NOT_PROVIDED, {}),
	logfwdr: refused(NOT_PROVIDED, { destination: "dest" }),
	wasm_module: refused("service-worker syntax only: import the .wasm file from an ES module instead", { part: "module.wasm" }),
	text_blob: refused("service-worker syntax only: import the file from an ES module instead", { part: "file.txt" }),
	data_blob: refused("service-worker syntax only: import the file from an ES module instead", { part: "file.bin" }),
	browser: refused(NOT_PROVIDED, {}),
	analytics: refused(NOT_PROVIDED, {}),
	ai: refused(NOT_PROVIDED, {}),
	images: refused(NOT_PROVIDED, {}),
	stream: refused(NOT_PROVIDED, {}),
	media: refused(NOT_PROVIDED, {}),
	version_metadata: refused(NOT_PROVIDED, {}),
} satisfies Record<string, Row>;

export type UploadMetadataField = keyof typeof UPLOAD_METADATA;
export type BindingType = keyof typeof BINDING_TYPES;
