/**
 * The fake Cloudflare REST API (v4) as a Hono app, for the endpoints Ferry calls: upload a Workers for
 * Platforms namespace script, delete one, delete by tag. It is as strict as Cloudflare where Ferry
 * could get it wrong (./schema.ts cites the sources): the path, the token, the rate limit
 * (./rate-limit.ts), the namespace (only the one the dispatcher's production config binds), the
 * multipart parts and their content types, the metadata, the bindings' limits, the tags, the size and
 * the compatibility date (./upload.ts); it starts the code in workerd as Cloudflare does and answers
 * with its handlers and startup time (./startup.ts). It stores what it accepted, answers a delete with
 * no body, and plays back scripted failures in Cloudflare's error shapes (./control.ts). Anything it
 * does not know answers like Cloudflare's unknown route.
 *
 * The test-only control surface lives under /__fake__/ on the same app. ./server.ts serves it.
 */
import { randomBytes } from "node:crypto";
import { type Context, Hono } from "hono";
import { z } from "zod";
import type { FailureRule, FakeCloudflareApiInfo, RecordedRequest, StoredScript } from "./control.ts";
import { RateLimiter } from "./rate-limit.ts";
import {
	ApiError,
	assetsManifestSchema,
	d1DatabaseCreateSchema,
	envelope,
	KV_LIST_MAX_PER_PAGE,
	KV_TITLE_MAX,
	MAX_ASSET_BYTES,
	r2BucketCreateSchema,
	refuse,
	SCRIPT_NAME,
	type ScriptMetadata,
} from "./schema.ts";
import type { StartupCheck } from "./startup.ts";
import { readUpload, type StoredModuleBytes } from "./upload.ts";

export const API_PREFIX = "/client/v4";
const SCRIPTS_ROUTE = `${API_PREFIX}/accounts/:account/workers/dispatch/namespaces/:namespace/scripts`;
const SCRIPT_ROUTE = `${SCRIPTS_ROUTE}/:script`;
const ASSETS_SESSION_ROUTE = `${SCRIPT_ROUTE}/assets-upload-session`;
const ASSETS_UPLOAD_ROUTE = `${API_PREFIX}/accounts/:account/workers/assets/upload`;
const KV_NAMESPACES_ROUTE = `${API_PREFIX}/accounts/:account/storage/kv/namespaces`;
const R2_BUCKETS_ROUTE = `${API_PREFIX}/accounts/:account/r2/buckets`;
const D1_DATABASES_ROUTE = `${API_PREFIX}/accounts/:account/d1/database`;
/** Cloudflare's upload and completion JWTs are valid for an hour. */
const ASSET_TOKEN_TTL_MS = 60 * 60 * 1000;
const CONTROL_PREFIX = "/__fake__";

interface Stored {
	etag: string;
	metadata: ScriptMetadata;
	modules: StoredModuleBytes[];
	handlers: string[];
	createdOn: string;
	/** The script's assets: path → hash, from the upload session its completion token closed. */
	assets: Record<string, string> | null;
	/** Its Durable Object classes, as its migrations created them, and its latest migration tag. */
	classes: string[];
	migrationTag: string | null;
}
/** An assets upload session: the manifest it was opened with, for one script of one namespace. */
interface AssetSession {
	namespace: string;
	script: string;
	manifest: Record<string, { hash: string; size: number }>;
	missing: Set<string>;
	expires: number;
}

interface StoredAsset {
	bytes: Uint8Array;
	/** null: served without a content type (uploaded as application/null). */
	contentType: string | null;
}

/** A JWT-shaped token (wrangler decodes the payload; Ferry only passes it on). */
function fakeJwt(payload: Record<string, unknown>): string {
	const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
	return `${part({ alg: "HS256", typ: "JWT" })}.${part(payload)}.${randomBytes(16).toString("base64url")}`;
}

const failureRuleSchema = z.object({
	method: z.enum(["PUT", "DELETE"]),
	tag: z.string().optional(),
	script: z.string().optional(),
	responses: z
		.array(z.object({ status: z.number().int(), headers: z.record(z.string(), z.string()).optional(), body: z.unknown().optional() }))
		.min(1),
});

const tokenPolicySchema = z.object({ quota: z.number().int().min(1), windowSeconds: z.number().int().min(1) });

type Env = { Variables: { record: RecordedRequest; scripts: Map<string, Stored> } };

/** `?tags=a:yes,b:no`: the tags a script must have and must not have. */
function tagFilter(query: string | undefined): { yes: string[]; no: string[] } {
	if (!query) throw refuse(400, 10021, "a tags filter is required: ?tags=<tag>:yes");
	const yes: string[] = [];
	const no: string[] = [];
	for (const item of query.split(",")) {
		const match = /^([^:]+):(yes|no)$/.exec(item);
		if (!match) throw refuse(400, 10021, `invalid tags filter '${item}': use <tag>:yes or <tag>:no`);
		(match[2] === "yes" ? yes : no).push(match[1]!);
	}
	return { yes, no };
}

/**
 * The script's Durable Object classes after the upload's migrations: `old_tag` must be the script's
 * latest tag (Cloudflare rejects the upload otherwise); without `migrations` the classes stay.
 */
function migrate(metadata: ScriptMetadata, previous: Stored | undefined): Pick<Stored, "classes" | "migrationTag"> {
	const before = { classes: previous?.classes ?? [], migrationTag: previous?.migrationTag ?? null };
	const { migrations } = metadata;
	if (!migrations) return before;
	if ((migrations.old_tag ?? null) !== before.migrationTag)
		throw refuse(
			400,
			10079,
			`migration tag precondition failed; current tag is '${before.migrationTag ?? ""}', old_tag is '${migrations.old_tag ?? ""}'`,
		);
	const classes = [...before.classes];
	for (const step of "steps" in migrations ? migrations.steps : [migrations]) {
		for (const name of [...(step.new_classes ?? []), ...(step.new_sqlite_classes ?? [])]) {
			if (classes.includes(name)) throw refuse(400, 10074, `Cannot apply new-class migration to class '${name}' that already exists`);
			classes.push(name);
		}
		for (const name of step.deleted_classes ?? []) {
			if (!classes.includes(name)) throw refuse(400, 10074, `Cannot apply deleted_classes migration to non-existent class '${name}'`);
			classes.splice(classes.indexOf(name), 1);
		}
	}
	return { classes, migrationTag: migrations.new_tag ?? before.migrationTag };
}

/** Each Durable Object binding names a class its script's migrations created and its code exports. */
function checkObjectBindings(metadata: ScriptMetadata, classes: string[], exported: string[], scripts: Map<string, Stored>): void {
	for (const name of classes)
		if (!exported.includes(name))
			throw refuse(400, 10070, `Cannot apply new-class migration to class '${name}' that is not exported by script`);
	for (const binding of metadata.bindings ?? []) {
		if (binding.type !== "durable_object_namespace") continue;
		const owner = binding.script_name === undefined ? classes : scripts.get(binding.script_name)?.classes;
		if (!owner?.includes(binding.class_name))
			throw refuse(
				400,
				10061,
				`Cannot create binding for class '${binding.class_name}' because it is not currently configured to implement Durable Objects. Did you forget to add a migration?`,
			);
	}
}

export interface FakeCloudflareOptions {
	startup: StartupCheck;
	now?: () => number;
}

export function fakeCloudflareApp(
	{ accountId, apiToken, namespace }: Omit<FakeCloudflareApiInfo, "url">,
	{ startup, now = Date.now }: FakeCloudflareOptions,
): Hono<Env> {
	// The one namespace of the account, created before any upload (`wrangler dispatch-namespace create`).
	const namespaces = new Map<string, Map<string, Stored>>([[namespace, new Map()]]);
	const tokens = new Set([apiToken]);
	const rateLimit = new RateLimiter(now);
	const failures: FailureRule[] = [];
	const recorded: RecordedRequest[] = [];
	const accountAssets = new Map<string, StoredAsset>();
	const sessions = new Map<string, AssetSession>();
	const uploadTokens = new Map<string, string>();
	const completionTokens = new Map<string, string>();
	/** The account's KV namespaces: id → title, in creation order. */
	const kvNamespaces = new Map<string, string>();
	/** The account's R2 buckets: name → creation date. */
	const r2Buckets = new Map<string, string>();
	/** The account's D1 databases: uuid → name and creation date, in creation order. */
	const d1Databases = new Map<string, { name: string; created_at: string }>();
	const d1View = (uuid: string, { name, created_at }: { name: string; created_at: string }) => ({
		uuid,
		name,
		version: "production",
		num_tables: 0,
		file_size: 0,
		created_at,
	});

	const app = new Hono<Env>();

	app.onError((error, c) => {
		if (error instanceof ApiError) return c.json(envelope(null, error.errors), error.status as 400, error.headers);
		return c.json(envelope(null, [{ code: 10013, message: `fake API bug: ${String(error)}` }]), 500);
	});

	app.notFound((c) => {
		if (c.req.path.startsWith(`${CONTROL_PREFIX}/`)) return c.json({ error: `no control route ${c.req.method} ${c.req.path}` }, 404);
		// Returned, not thrown: a not-found is no error of the app's, so the recording middleware sees its status.
		return c.json(
			envelope(null, [{ code: 7003, message: `Could not route to ${c.req.path}, perhaps your object identifier is invalid?` }]),
			404,
		);
	});

	// Every request to the API is recorded, with the status it got.
	app.use("*", async (c, next) => {
		if (c.req.path.startsWith(`${CONTROL_PREFIX}/`)) return next();
		const record: RecordedRequest = {
			method: c.req.method,
			path: c.req.path,
			query: new URL(c.req.url).search,
			script: null,
			authorization: c.req.header("authorization") ?? null,
			contentType: c.req.header("content-type") ?? null,
			parts: [],
			metadata: null,
			// Read ahead only when a failure rule needs an upload's tags (reading a body twice is not free).
			tags: failures.some((rule) => rule.method === "PUT" && rule.tag !== undefined) ? await peekTags(c.req.raw) : [],
			status: 0,
			at: now(),
		};
		recorded.push(record);
		c.set("record", record);
		await next();
		record.status = c.res.status;
	});

	app.post(ASSETS_SESSION_ROUTE, async (c) => {
		c.get("record").script = c.req.param("script");
		checkAuth(c, c.req.param("account"));
		const namespace = c.req.param("namespace");
		if (!namespaces.has(namespace)) throw refuse(404, 100119, `dispatch namespace '${namespace}' not found`);
		if (!c.req.header("content-type")?.startsWith("application/json"))
			throw refuse(400, 10026, "Could not parse request body: expected JSON");
		const body = (await c.req.json().catch(() => null)) as { manifest?: unknown } | null;
		const parsed = assetsManifestSchema.safeParse(body?.manifest);
		if (!parsed.success) throw refuse(400, 10021, `Invalid manifest: ${z.prettifyError(parsed.error).replace(/\n/g, "; ")}`);
		const manifest = parsed.data;
		const missing = new Set(
			Object.values(manifest)
				.map((e) => e.hash)
				.filter((hash) => !accountAssets.has(hash)),
		);
		const id = randomBytes(8).toString("hex");
		const expires = Date.now() + ASSET_TOKEN_TTL_MS;
		sessions.set(id, { namespace, script: c.req.param("script"), manifest, missing, expires });
		const jwt = fakeJwt({ sid: id, exp: Math.floor(expires / 1000) });
		if (missing.size === 0) {
			completionTokens.set(jwt, id);
			return c.json(envelope({ jwt, buckets: [] }));
		}
		uploadTokens.set(jwt, id);
		// One bucket per 10 files, as Cloudflare groups them.
		const hashes = [...missing];
		const buckets = Array.from({ length: Math.ceil(hashes.length / 10) }, (_, i) => hashes.slice(i * 10, i * 10 + 10));
		return c.json(envelope({ jwt, buckets }));
	});

	app.post(ASSETS_UPLOAD_ROUTE, async (c) => {
		const token = c.req.header("authorization")?.match(/^Bearer (\S+)$/)?.[1];
		const id = token ? uploadTokens.get(token) : undefined;
		const session = id ? sessions.get(id) : undefined;
		if (!session || session.expires < Date.now() || c.req.param("account") !== accountId) throw refuse(401, 10000, "Authentication error");
		if (c.req.query("base64") !== "true") throw refuse(400, 10021, "Files must be uploaded base64-encoded (?base64=true)");
		let form: FormData;
		try {
			form = await c.req.formData();
		} catch {
			throw refuse(400, 10026, "Could not parse request body");
		}
		const sizes = new Map(Object.values(session.manifest).map((e) => [e.hash, e.size]));
		for (const [hash, value] of form) {
			if (typeof value === "string") throw refuse(400, 10021, `part '${hash}' must be a file part`);
			c.get("record").parts.push({ name: hash, type: value.type, filename: value.name, size: value.size });
			if (!sizes.has(hash)) throw refuse(400, 10021, `hash ${hash} is not part of this upload session`);
			const bytes = new Uint8Array(Buffer.from(await value.text(), "base64"));
			if (bytes.byteLength !== sizes.get(hash) || bytes.byteLength > MAX_ASSET_BYTES)
				throw refuse(400, 10021, `file ${hash} has the wrong size`);
			accountAssets.set(hash, { bytes, contentType: value.type === "application/null" || value.type === "" ? null : value.type });
			session.missing.delete(hash);
		}
		if (session.missing.size > 0) return c.json(envelope({}), 202);
		const jwt = fakeJwt({ sid: id, exp: Math.floor(session.expires / 1000) });
		completionTokens.set(jwt, id!);
		return c.json(envelope({ jwt }), 201);
	});

	app.post(KV_NAMESPACES_ROUTE, async (c) => {
		checkAuth(c, c.req.param("account"));
		if (!c.req.header("content-type")?.startsWith("application/json"))
			throw refuse(400, 10026, "Could not parse request body: expected JSON");
		const body = (await c.req.json().catch(() => null)) as { title?: unknown } | null;
		const title = body?.title;
		if (typeof title !== "string" || title.length === 0 || title.length > KV_TITLE_MAX)
			throw refuse(400, 10019, `title is required: a string of at most ${KV_TITLE_MAX} characters`);
		if (body && Object.keys(body).some((key) => key !== "title")) throw refuse(400, 10026, "Could not parse request body: unknown field");
		if ([...kvNamespaces.values()].includes(title)) throw refuse(400, 10014, "a namespace with this account ID and title already exists");
		const id = randomBytes(16).toString("hex");
		kvNamespaces.set(id, title);
		return c.json(envelope({ id, title, supports_url_encoding: true }));
	});

	app.post(R2_BUCKETS_ROUTE, async (c) => {
		checkAuth(c, c.req.param("account"));
		if (!c.req.header("content-type")?.startsWith("application/json"))
			throw refuse(400, 10026, "Could not parse request body: expected JSON");
		const parsed = r2BucketCreateSchema.safeParse(await c.req.json().catch(() => null));
		if (!parsed.success) throw refuse(400, 10005, `The specified bucket name is not valid. (${z.prettifyError(parsed.error)})`);
		const { name } = parsed.data;
		if (r2Buckets.has(name)) throw refuse(409, 10004, "The bucket you tried to create already exists, and you own it.");
		const created = new Date(now()).toISOString();
		r2Buckets.set(name, created);
		return c.json(envelope({ name, creation_date: created, location: "ENAM", storage_class: "Standard" }));
	});

	app.get(R2_BUCKETS_ROUTE, (c) => {
		checkAuth(c, c.req.param("account"));
		const buckets = [...r2Buckets].map(([name, created]) => ({
			name,
			creation_date: created,
			location: "ENAM",
			storage_class: "Standard",
		}));
		return c.json(envelope({ buckets }));
	});

	app.post(D1_DATABASES_ROUTE, async (c) => {
		checkAuth(c, c.req.param("account"));
		if (!c.req.header("content-type")?.startsWith("application/json"))
			throw refuse(400, 10026, "Could not parse request body: expected JSON");
		const parsed = d1DatabaseCreateSchema.safeParse(await c.req.json().catch(() => null));
		if (!parsed.success) throw refuse(400, 7400, `The request is malformed: ${z.prettifyError(parsed.error)}`);
		const { name } = parsed.data;
		if ([...d1Databases.values()].some((db) => db.name === name)) throw refuse(400, 7502, "A database with that name already exists");
		const uuid = crypto.randomUUID();
		const database = { name, created_at: new Date(now()).toISOString() };
		d1Databases.set(uuid, database);
		return c.json(envelope(d1View(uuid, database)));
	});

	app.get(D1_DATABASES_ROUTE, (c) => {
		checkAuth(c, c.req.param("account"));
		const name = c.req.query("name");
		const page = Number(c.req.query("page") ?? 1);
		const perPage = Number(c.req.query("per_page") ?? 1000);
		if (!Number.isInteger(page) || page < 1 || !Number.isInteger(perPage) || perPage < 10 || perPage > 10_000)
			throw refuse(400, 7400, "page is at least 1; per_page is 10-10000");
		const all = [...d1Databases].filter(([, db]) => name === undefined || db.name.includes(name)).map(([uuid, db]) => d1View(uuid, db));
		const result = all.slice((page - 1) * perPage, page * perPage);
		return c.json({ ...envelope(result), result_info: { page, per_page: perPage, count: result.length, total_count: all.length } });
	});

	app.get(KV_NAMESPACES_ROUTE, (c) => {
		checkAuth(c, c.req.param("account"));
		const page = Number(c.req.query("page") ?? 1);
		const perPage = Number(c.req.query("per_page") ?? 20);
		if (!Number.isInteger(page) || page < 1 || !Number.isInteger(perPage) || perPage < 1 || perPage > KV_LIST_MAX_PER_PAGE)
			throw refuse(400, 10021, `page is at least 1; per_page is 1-${KV_LIST_MAX_PER_PAGE}`);
		const all = [...kvNamespaces].map(([id, title]) => ({ id, title, supports_url_encoding: true }));
		const result = all.slice((page - 1) * perPage, page * perPage);
		return c.json({
			...envelope(result),
			result_info: { page, per_page: perPage, count: result.length, total_count: all.length },
		});
	});

	// A scripted failure answers before any check, as an outage would; then the token, its rate limit
	// and the namespace, on every namespace route.
	for (const route of [SCRIPTS_ROUTE, SCRIPT_ROUTE])
		app.use(route, async (c, next) => {
			const record = c.get("record");
			record.script = c.req.param("script") ?? null;
			if (record.script === null && c.req.method === "DELETE") record.tags = tagFilter(c.req.query("tags")).yes;
			const failure = scriptedFailure(record);
			if (failure) return failure;
			const token = checkAuth(c, c.req.param("account")!);
			const headers = rateLimit.take(token);
			const scripts = namespaces.get(c.req.param("namespace")!);
			if (!scripts)
				throw new ApiError(404, [{ code: 100119, message: `dispatch namespace '${c.req.param("namespace")}' not found` }], headers);
			c.set("scripts", scripts);
			await next();
			for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
		});

	app.put(SCRIPT_ROUTE, async (c) => {
		const scriptName = c.req.param("script");
		const scripts = c.get("scripts");
		if (!SCRIPT_NAME.test(scriptName)) throw refuse(400, 10016, "Invalid Worker name");
		const { metadata, modules } = await readUpload(c.req.raw, c.get("record"));
		for (const binding of metadata.bindings ?? [])
			if (binding.type === "kv_namespace" && !kvNamespaces.has(binding.namespace_id))
				throw refuse(400, 10041, `KV namespace '${binding.namespace_id}' is not valid.`);
			else if (binding.type === "r2_bucket" && !r2Buckets.has(binding.bucket_name))
				throw refuse(400, 10085, `R2 bucket '${binding.bucket_name}' not found. Please use a different name and try again.`);
			// The code of this refusal is not documented; the binding's id must be one of the account's databases.
			else if (binding.type === "d1" && !d1Databases.has(binding.id))
				throw refuse(400, 10021, `D1 binding '${binding.name}' references database '${binding.id}' which was not found`);
		const objects = migrate(metadata, scripts.get(scriptName));
		// An assets-only script has no code to start.
		const mainModule = metadata.main_module;
		const started =
			mainModule === undefined
				? { started: true as const, handlers: [], classes: [], startupTimeMs: 0 }
				: await startup.start({
						mainModule,
						compatibilityDate: metadata.compatibility_date,
						compatibilityFlags: metadata.compatibility_flags ?? [],
						modules,
					});
		if (!started.started) throw refuse(400, 10021, started.message);
		if (mainModule !== undefined && started.handlers.length === 0)
			throw refuse(400, 10068, "The uploaded Worker has no registered event handlers.");
		checkObjectBindings(metadata, objects.classes, started.classes, scripts);
		const modified = new Date(now()).toISOString();
		const stored: Stored = {
			etag: randomBytes(16).toString("hex"),
			metadata,
			modules,
			handlers: started.handlers,
			createdOn: scripts.get(scriptName)?.createdOn ?? modified,
			assets: metadata.assets ? scriptAssets(metadata.assets.jwt, c.req.param("namespace"), scriptName) : null,
			...objects,
		};
		scripts.set(scriptName, stored);
		const main = modules.find((m) => m.name === metadata.main_module);
		return c.json(
			envelope({
				id: scriptName,
				etag: stored.etag,
				handlers: stored.handlers,
				startup_time_ms: started.startupTimeMs,
				created_on: stored.createdOn,
				modified_on: modified,
				has_modules: modules.length > 0,
				has_assets: stored.assets !== null,
				compatibility_date: metadata.compatibility_date,
				compatibility_flags: metadata.compatibility_flags ?? [],
				tags: metadata.tags ?? [],
				usage_model: "standard",
				// What `?excludeScript=true` leaves out (wrangler always sends it).
				...(c.req.query("excludeScript") === "true" || !main ? {} : { script: new TextDecoder().decode(main.bytes) }),
			}),
		);
	});

	// "Fetch information about a script uploaded to a Workers for Platforms namespace": what wrangler reads its migration tag from.
	app.get(SCRIPT_ROUTE, (c) => {
		const stored = c.get("scripts").get(c.req.param("script"));
		if (!stored) throw refuse(404, 10007, "This Worker does not exist on your account.");
		return c.json(
			envelope({
				created_on: stored.createdOn,
				modified_on: stored.createdOn,
				dispatch_namespace: c.req.param("namespace"),
				script: {
					id: c.req.param("script"),
					etag: stored.etag,
					handlers: stored.handlers,
					tags: stored.metadata.tags ?? [],
					...(stored.migrationTag ? { migration_tag: stored.migrationTag } : {}),
				},
			}),
		);
	});

	// "This call has no response body on a successful delete."
	app.delete(SCRIPT_ROUTE, (c) => {
		if (!c.get("scripts").delete(c.req.param("script"))) throw refuse(404, 10007, "This Worker does not exist on your account.");
		return c.body(null, 200);
	});

	// Delete by tag: every script that has all the `:yes` tags and none of the `:no` ones.
	app.delete(SCRIPTS_ROUTE, (c) => {
		const { yes, no } = tagFilter(c.req.query("tags"));
		const scripts = c.get("scripts");
		for (const [name, stored] of scripts) {
			const tags = stored.metadata.tags ?? [];
			if (yes.every((t) => tags.includes(t)) && !no.some((t) => tags.includes(t))) scripts.delete(name);
		}
		return c.body(null, 200);
	});

	for (const route of [SCRIPTS_ROUTE, SCRIPT_ROUTE])
		app.all(route, (c) => {
			throw refuse(405, 10000, `Method ${c.req.method} not allowed`);
		});

	// The control surface (./control.ts): script failures, tokens, read back requests and stored scripts.
	app.post(`${CONTROL_PREFIX}/failures`, async (c) => {
		failures.push(failureRuleSchema.parse(await c.req.json()) as FailureRule);
		return c.json({ ok: true });
	});

	app.post(`${CONTROL_PREFIX}/tokens`, async (c) => {
		const token = `cf_test_${randomBytes(20).toString("base64url")}`;
		tokens.add(token);
		rateLimit.setPolicy(token, tokenPolicySchema.parse(await c.req.json()));
		return c.json({ token });
	});

	app.get(`${CONTROL_PREFIX}/requests`, (c) => {
		const tag = c.req.query("tag");
		const script = c.req.query("script");
		const requests = recorded.filter((r) => (tag === undefined || r.tags.includes(tag)) && (script === undefined || r.script === script));
		return c.json({ requests });
	});

	app.get(`${CONTROL_PREFIX}/accounts/:account/namespaces/:namespace/scripts`, (c, next) => {
		if (c.req.param("account") !== accountId) return next();
		const tag = c.req.query("tag");
		const scripts = namespaces.get(c.req.param("namespace")) ?? new Map<string, Stored>();
		return c.json({ scripts: [...scripts].filter(([, s]) => tag === undefined || s.metadata.tags?.includes(tag)).map(([name]) => name) });
	});

	app.get(`${CONTROL_PREFIX}/accounts/:account/namespaces/:namespace/scripts/:script`, (c, next) => {
		if (c.req.param("account") !== accountId) return next();
		const name = c.req.param("script");
		const stored = namespaces.get(c.req.param("namespace"))?.get(name);
		if (!stored) return c.json({ script: null }, 404);
		const script: StoredScript = {
			name,
			etag: stored.etag,
			metadata: stored.metadata,
			handlers: stored.handlers,
			assets: stored.assets,
			modules: stored.modules.map((m) => ({ name: m.name, type: m.type, base64: Buffer.from(m.bytes).toString("base64") })),
		};
		return c.json({ script });
	});

	app.get(`${CONTROL_PREFIX}/accounts/:account/assets/:hash`, (c, next) => {
		if (c.req.param("account") !== accountId) return next();
		const asset = accountAssets.get(c.req.param("hash"));
		if (!asset) return c.json({ asset: null }, 404);
		return c.json({ asset: { base64: Buffer.from(asset.bytes).toString("base64"), contentType: asset.contentType } });
	});

	/** The assets a completion token brings to a script: the token must close a session of that very script. */
	function scriptAssets(jwt: string, namespace: string, script: string): Record<string, string> {
		const id = completionTokens.get(jwt);
		const session = id ? sessions.get(id) : undefined;
		if (!session || session.expires < Date.now() || session.namespace !== namespace || session.script !== script)
			throw refuse(400, 10021, "Invalid assets completion token");
		return Object.fromEntries(Object.entries(session.manifest).map(([path, entry]) => [path, entry.hash]));
	}

	/** The request's token, if it may act on the account. */
	function checkAuth(c: Context<Env>, account: string): string {
		const token = c.req.header("authorization")?.match(/^Bearer (\S+)$/)?.[1];
		if (!token)
			throw new ApiError(400, [
				{ code: 6003, message: "Invalid request headers" },
				{ code: 6111, message: "Invalid format for Authorization header" },
			]);
		if (!tokens.has(token) || account !== accountId) throw refuse(403, 10000, "Authentication error");
		return token;
	}

	/** The first failure rule that matches, consuming one of its responses. */
	function scriptedFailure(record: RecordedRequest): Response | undefined {
		const index = failures.findIndex(
			(rule) =>
				rule.method === record.method &&
				(rule.tag === undefined || record.tags.includes(rule.tag)) &&
				(rule.script === undefined || rule.script === record.script),
		);
		if (index === -1) return undefined;
		const rule = failures[index]!;
		const next = rule.responses.shift()!;
		if (rule.responses.length === 0) failures.splice(index, 1);
		const body =
			typeof next.body === "string"
				? next.body
				: JSON.stringify(next.body ?? envelope(null, [{ code: 10013, message: "An unknown error has occurred" }]));
		return new Response(body, { status: next.status, headers: { "content-type": "application/json", ...next.headers } });
	}

	return app;
}

/** Tags of an upload, read without consuming the request (a failure rule may match on them). */
async function peekTags(request: Request): Promise<string[]> {
	if (request.method !== "PUT") return [];
	try {
		const metadata = (await request.clone().formData()).get("metadata");
		const json = JSON.parse(typeof metadata === "string" ? metadata : ((await metadata?.text()) ?? "{}")) as { tags?: unknown };
		return Array.isArray(json.tags) ? json.tags.filter((t): t is string => typeof t === "string") : [];
	} catch {
		return [];
	}
}
