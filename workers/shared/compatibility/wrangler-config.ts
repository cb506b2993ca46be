/**
 * Every key of a tenant's wrangler config (wrangler's `RawConfig`, node_modules/wrangler) and what
 * Ferry does with it. `ferry deploy` reads the config with wrangler's own reader and refuses a key
 * this table refuses before bundling (cli/src/project/compatibility.ts); docs/compatibility.md is
 * generated from it (`npm run docs:compat`); test/node/compatibility.test.ts holds the table to
 * wrangler's key list and walks the refusals. A binding key has a twin in upload-metadata.ts (the
 * binding type wrangler sends): flip both.
 */
import { RESOURCE_NAME } from "../names.ts";
import { differently, type Row, refused, supported } from "./rows.ts";

const NOT_PROVIDED = "a Cloudflare product Ferry does not provide to tenant code";

export const WRANGLER_CONFIG = {
	$schema: supported("the editor's JSON schema; nothing to deploy"),
	name: supported("the script name; it becomes the hostname `<name>.<TENANT_DOMAIN>`"),
	main: supported("the entry module, bundled by wrangler's own bundler (or a `.wasm` WASI command, docs/wasm.md)"),
	compatibility_date: supported("passed to the runtime as is"),
	compatibility_flags: supported("passed to the runtime as is"),
	env: supported("`ferry deploy --env NAME` deploys that environment, as wrangler does"),
	vars: supported(
		"strings, numbers, booleans, objects and arrays arrive in `env` with their types (JSON vars as wrangler's `json` bindings)",
	),
	assets: supported("static assets with wrangler's serving semantics (docs/assets.md)"),
	rules: supported("module rules, applied by wrangler's bundler"),
	build: supported("the custom build runs before bundling, as in `wrangler deploy`"),
	no_bundle: supported("applied by wrangler's bundler"),
	minify: supported("applied by wrangler's bundler"),
	keep_names: supported("applied by wrangler's bundler"),
	find_additional_modules: supported("applied by wrangler's bundler"),
	preserve_file_names: supported("applied by wrangler's bundler"),
	base_dir: supported("applied by wrangler's bundler"),
	tsconfig: supported("applied by wrangler's bundler"),
	jsx_factory: supported("applied by wrangler's bundler"),
	jsx_fragment: supported("applied by wrangler's bundler"),
	alias: supported("applied by wrangler's bundler"),
	define: supported("applied by wrangler's bundler"),
	upload_source_maps: differently(
		"source maps are uploaded and stored with the deployment; in production Cloudflare applies them to stack traces, locally they are not applied",
	),
	account_id: differently("not used: the account is the tenant of the Ferry token (`ferry login`)"),
	dev: differently("read only by `wrangler dev`; a deploy has nothing to apply"),
	send_metrics: differently("wrangler's own usage metrics; `ferry deploy` runs wrangler's bundler with them off"),
	dependencies_instrumentation: differently(
		"whether wrangler lists the project's packages in the upload (`package_dependencies`), which Ferry does not use",
	),
	workers_dev: differently("every script is served at `<name>.<TENANT_DOMAIN>`; `false` (no public hostname) is refused", {
		when: (value) => value === false,
		example: false,
	}),
	preview_urls: differently("every deployment is served at its own preview host `<id>--<name>.<TENANT_DOMAIN>`; `false` is refused", {
		when: (value) => value === false,
		example: false,
	}),
	observability: differently(
		"the platform keeps the telemetry of every script whatever the block says (its own tail consumer, not Workers Logs); its settings are not applied",
	),
	keep_vars: differently("vars are always the upload's (there are no vars set elsewhere to keep); `true` is refused", {
		when: (value) => value === true,
		example: true,
	}),
	triggers: differently(
		"`crons`: the script's cron triggers, in UTC with Cloudflare's syntax; a deploy replaces the script's schedules with them (`crons = []` removes them, no `[triggers]` leaves them as they are; docs/cron.md). `events` (Artifacts event triggers for Workflows) is refused",
		{
			when: (value) => Array.isArray((value as { events?: unknown } | null)?.events) && (value as { events: unknown[] }).events.length > 0,
			example: { events: [{ type: "cf.artifacts.repo.pushed", targets: [{ type: "workflow", workflow_name: "flow" }] }] },
		},
	),
	secrets: differently(
		"`required` names the secrets the Worker needs; set each with `ferry secret put` (docs/secrets.md): a deploy does not check that they are set",
	),
	routes: refused("a script is served at its own hostname; routes and custom domains are not supported", [
		{ pattern: "example.com/*", zone_name: "example.com" },
	]),
	route: refused("a script is served at its own hostname; routes and custom domains are not supported", {
		pattern: "example.com/*",
		zone_name: "example.com",
	}),
	limits: refused("CPU and subrequest limits come from the tenant's plan (docs/limits.md), not from the script", { cpu_ms: 50 }),
	placement: refused("Ferry does not place Workers (Smart Placement is Cloudflare's)", { mode: "smart" }),
	logpush: refused("Workers Logpush belongs to a Cloudflare account, not a tenant", true),
	tail_consumers: refused("tenant tail Workers are not supported; the platform's own tail consumer keeps every script's telemetry", [
		{ service: "my-tail" },
	]),
	streaming_tail_consumers: refused(
		"tenant tail Workers are not supported; the platform's own tail consumer keeps every script's telemetry",
		[{ service: "my-tail" }],
	),
	kv_namespaces: differently(
		"provisioned for the tenant on first deploy and bound in `env`; `id` (else `binding`) names the namespace in the tenant's own space, never a Cloudflare id (docs/bindings.md); `preview_id` and `remote` are refused: a preview sees the live data",
		{
			when: (value) =>
				!Array.isArray(value) ||
				value.some(
					(entry) =>
						typeof entry !== "object" ||
						entry === null ||
						"preview_id" in entry ||
						(entry as { remote?: unknown }).remote === true ||
						("id" in entry && !RESOURCE_NAME.test(String((entry as { id: unknown }).id))),
				),
			example: [{ binding: "KV", id: "cache", preview_id: "cache-preview" }],
		},
	),
	d1_databases: differently(
		"provisioned per tenant on first deploy, bound in `env`; `database_name` (else `binding`) names it in the tenant's own space, `database_id` is never a Cloudflare id (docs/bindings.md); `preview_database_id`, `remote` refused; `migrations_dir` and `migrations_table` are read by `ferry d1 migrations list|apply` (wrangler's), which refuses `migrations_pattern`",
		{
			when: (value) =>
				!Array.isArray(value) ||
				value.some(
					(entry) =>
						typeof entry !== "object" ||
						entry === null ||
						"preview_database_id" in entry ||
						(entry as { remote?: unknown }).remote === true ||
						!RESOURCE_NAME.test(
							String((entry as { database_name?: unknown; binding?: unknown }).database_name ?? (entry as { binding?: unknown }).binding),
						),
				),
			example: [{ binding: "DB", database_name: "db", preview_database_id: "db-preview" }],
		},
	),
	r2_buckets: differently(
		"provisioned for the tenant on first deploy and bound in `env` with R2's API; `bucket_name` names the bucket in the tenant's own space, never a Cloudflare bucket (docs/bindings.md); `preview_bucket_name`, `jurisdiction` and `remote` are refused: a preview sees the live data, and the bucket lives where the platform keeps it",
		{
			when: (value) =>
				!Array.isArray(value) ||
				value.some(
					(entry) =>
						typeof entry !== "object" ||
						entry === null ||
						"preview_bucket_name" in entry ||
						"jurisdiction" in entry ||
						(entry as { remote?: unknown }).remote === true ||
						!RESOURCE_NAME.test(String((entry as { bucket_name?: unknown }).bucket_name)),
				),
			example: [{ binding: "BUCKET", bucket_name: "bucket", preview_bucket_name: "bucket-preview" }],
		},
	),
	durable_objects: differently(
		"`bindings` by `name` and `class_name`, a class of this Worker (its objects are the script's, per tenant; docs/bindings.md); `script_name` and `environment` are refused: a binding names a class of the script itself",
		{
			when: (value) => {
				const bindings = (value as { bindings?: unknown } | null)?.bindings;
				return (
					!Array.isArray(bindings) || bindings.some((b) => typeof b !== "object" || b === null || "script_name" in b || "environment" in b)
				);
			},
			example: { bindings: [{ name: "COUNTER", class_name: "Counter", script_name: "other" }] },
		},
	),
	migrations: differently(
		"`new_sqlite_classes` and `new_classes` (SQLite-backed locally too); every migration is sent with each deploy (Ferry keeps no migration tag); `renamed_classes`, `deleted_classes` and `transferred_classes` are refused (docs/bindings.md)",
		{
			when: (value) =>
				!Array.isArray(value) ||
				value.some(
					(m) =>
						typeof m !== "object" || m === null || ["renamed_classes", "deleted_classes", "transferred_classes"].some((key) => key in m),
				),
			example: [
				{ tag: "v1", new_sqlite_classes: ["Counter"] },
				{ tag: "v2", deleted_classes: ["Counter"] },
			],
		},
	),
	services: differently(
		"another script of yours by `service` (its name): `fetch` and RPC methods of its default export or `entrypoint` (property reads are not forwarded); `environment` is refused: Ferry scripts have none (docs/bindings.md)",
		{
			when: (value) =>
				!Array.isArray(value) || value.some((entry) => typeof entry !== "object" || entry === null || "environment" in entry),
			example: [{ binding: "OTHER", service: "other", environment: "staging" }],
		},
	),
	site: refused("Workers Sites are not supported: serve the directory as static assets (`assets`, docs/assets.md)", { bucket: "./public" }),
	wasm_modules: refused("service-worker syntax only: import the .wasm file from an ES module instead", { MODULE: "module.wasm" }),
	text_blobs: refused("service-worker syntax only: import the file from an ES module instead (a `Text` rule)", { TEXT: "file.txt" }),
	data_blobs: refused("service-worker syntax only: import the file from an ES module instead (a `Data` rule)", { DATA: "file.bin" }),
	python_modules: refused("Python Workers are not supported (JavaScript and WebAssembly are)", { exclude: ["**/*.test.py"] }),
	pages_build_output_dir: refused("a Pages project: deploy a Worker (with `assets` for the static files)", "./dist"),
	access: refused("Cloudflare Access does not guard Ferry's hosts", { required: true }),
	cache: refused("the Workers cache settings are Cloudflare's", { enabled: true }),
	compliance_region: refused("Ferry does not choose where a script runs", "fedramp_high"),
	first_party_worker: refused("Cloudflare's internal Workers only", true),
	previews: refused("`wrangler preview` settings: every Ferry deployment has its preview host already", { vars: { MODE: "preview" } }),
	exports: refused("declarative Durable Object and container exports need bindings Ferry does not provide yet", {
		Counter: { type: "durable-object", storage: "sqlite" },
	}),
	unsafe: refused("unsafe bindings and metadata are Cloudflare's internals", { bindings: [{ name: "X", type: "internal" }] }),
	addresses: refused("Email Workers are not supported", ["hello@example.com"]),
	connect: refused("TCP/UDP `connect` handlers are not supported", [{ port: 7000, protocol: "tcp" }]),
	containers: refused(NOT_PROVIDED, [{ class_name: "Box", image: "docker.io/example/box:1" }]),
	cloudchamber: refused(NOT_PROVIDED, { vcpu: 1 }),
	workflows: refused(NOT_PROVIDED, [{ binding: "FLOW", name: "flow", class_name: "Flow" }]),
	queues: refused(NOT_PROVIDED, { producers: [{ binding: "QUEUE", queue: "queue" }] }),
	send_email: refused(NOT_PROVIDED, [{ name: "EMAIL" }]),
	vectorize: refused(NOT_PROVIDED, [{ binding: "INDEX", index_name: "index" }]),
	ai_search_namespaces: refused(NOT_PROVIDED, [{ binding: "SEARCH", namespace: "ns" }]),
	ai_search: refused(NOT_PROVIDED, [{ binding: "SEARCH", instance_name: "search" }]),
	agent_memory: refused(NOT_PROVIDED, [{ binding: "MEMORY", namespace: "memory" }]),
	hyperdrive: refused(NOT_PROVIDED, [{ binding: "HYPERDRIVE", id: "0123456789abcdef0123456789abcdef" }]),
	analytics_engine_datasets: refused(NOT_PROVIDED, [{ binding: "ANALYTICS" }]),
	analytics: refused(NOT_PROVIDED, { binding: "ANALYTICS" }),
	browser: refused(NOT_PROVIDED, { binding: "BROWSER" }),
	ai: refused(NOT_PROVIDED, { binding: "AI" }),
	images: refused(NOT_PROVIDED, { binding: "IMAGES" }),
	media: refused(NOT_PROVIDED, { binding: "MEDIA" }),
	stream: refused(NOT_PROVIDED, { binding: "STREAM" }),
	version_metadata: refused(NOT_PROVIDED, { binding: "VERSION" }),
	mtls_certificates: refused(NOT_PROVIDED, [{ binding: "CERT", certificate_id: "cert" }]),
	dispatch_namespaces: refused(NOT_PROVIDED, [{ binding: "DISPATCHER", namespace: "ns" }]),
	pipelines: refused(NOT_PROVIDED, [{ binding: "PIPELINE", pipeline: "pipeline" }]),
	secrets_store_secrets: refused(NOT_PROVIDED, [{ binding: "SECRET", store_id: "store", secret_name: "secret" }]),
	artifacts: refused(NOT_PROVIDED, [{ binding: "ARTIFACTS", namespace: "ns" }]),
	unsafe_hello_world: refused(NOT_PROVIDED, [{ binding: "HELLO" }]),
	flagship: refused(NOT_PROVIDED, [{ binding: "FLAGS", app_id: "app" }]),
	ratelimits: refused(NOT_PROVIDED, [{ name: "LIMITER", namespace_id: "1001", simple: { limit: 10, period: 60 } }]),
	worker_loaders: refused(NOT_PROVIDED, [{ binding: "LOADER" }]),
	vpc_services: refused(NOT_PROVIDED, [{ binding: "VPC", service_id: "service" }]),
	vpc_networks: refused(NOT_PROVIDED, [{ binding: "VPC", network_id: "network" }]),
	k2: refused(NOT_PROVIDED, [{ binding: "K2", stream: "stream" }]),
	logfwdr: refused(NOT_PROVIDED, { bindings: [{ name: "LOGS", destination: "dest" }] }),
} satisfies Record<string, Row>;

export type WranglerConfigKey = keyof typeof WRANGLER_CONFIG;
