/**
 * The fake Cloudflare REST API (v4) as a Hono app, for the endpoints Ferry calls: upload and delete a
 * Workers for Platforms namespace script. It checks each request the way the documented API does
 * (./schema.ts: path, bearer token, multipart parts and their content types, the metadata JSON),
 * parses module code to answer code 10021 for a syntax error as Cloudflare's upload validation does,
 * stores what it accepted, and plays back scripted failures in Cloudflare's error shapes
 * (./control.ts). Anything it does not know answers like Cloudflare's unknown route.
 *
 * The test-only control surface lives under /__fake__/ on the same app. ./server.ts serves it.
 */
import { randomBytes } from "node:crypto";
import { transform } from "esbuild";
import { type Context, Hono } from "hono";
import { z } from "zod";
import type { FailureRule, FakeCloudflareApiInfo, RecordedPart, RecordedRequest, StoredScript } from "./control.ts";
import {
	assetsManifestSchema,
	type CloudflareMessage,
	envelope,
	MAX_ASSET_BYTES,
	MODULE_CONTENT_TYPES,
	SCRIPT_NAME,
	type ScriptMetadata,
	scriptMetadataSchema,
} from "./schema.ts";

export const API_PREFIX = "/client/v4";
const SCRIPT_ROUTE = `${API_PREFIX}/accounts/:account/workers/dispatch/namespaces/:namespace/scripts/:script`;
const ASSETS_SESSION_ROUTE = `${SCRIPT_ROUTE}/assets-upload-session`;
const ASSETS_UPLOAD_ROUTE = `${API_PREFIX}/accounts/:account/workers/assets/upload`;
/** Cloudflare's upload and completion JWTs are valid for an hour. */
const ASSET_TOKEN_TTL_MS = 60 * 60 * 1000;
const CONTROL_PREFIX = "/__fake__";

/** A request the fake refuses: the status and Cloudflare's error entries. */
class ApiError extends Error {
	readonly status: number;
	readonly errors: CloudflareMessage[];

	constructor(status: number, errors: CloudflareMessage[]) {
		super(errors.map((e) => e.message).join("; "));
		this.status = status;
		this.errors = errors;
	}
}

const refuse = (status: number, code: number, message: string) => new ApiError(status, [{ code, message }]);

interface StoredModuleBytes {
	name: string;
	type: string;
	bytes: Uint8Array;
}

interface Stored {
	etag: string;
	metadata: ScriptMetadata;
	modules: StoredModuleBytes[];
	createdOn: string;
	/** The script's assets: path → hash, from the upload session its completion token closed. */
	assets: Record<string, string> | null;
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

type Env = { Variables: { record: RecordedRequest; scripts: Map<string, Stored> } };

export function fakeCloudflareApp({ accountId, apiToken, namespace }: Omit<FakeCloudflareApiInfo, "url">): Hono<Env> {
	// Namespaces exist before any upload (`wrangler dispatch-namespace create`).
	const namespaces = new Map<string, Map<string, Stored>>([[namespace, new Map()]]);
	const failures: FailureRule[] = [];
	const recorded: RecordedRequest[] = [];
	// Assets are the account's (every script of every namespace together), by hash, as Cloudflare keeps them.
	const accountAssets = new Map<string, StoredAsset>();
	const sessions = new Map<string, AssetSession>();
	const uploadTokens = new Map<string, string>();
	const completionTokens = new Map<string, string>();

	const app = new Hono<Env>();

	app.onError((error, c) => {
		if (error instanceof ApiError) return c.json(envelope(null, error.errors), error.status as 400);
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
			script: null,
			authorization: c.req.header("authorization") ?? null,
			contentType: c.req.header("content-type") ?? null,
			parts: [],
			metadata: null,
			tags: await peekTags(c.req.raw),
			status: 0,
			at: Date.now(),
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

	// A scripted failure answers before any check, as an outage or a rate limit would.
	app.use(SCRIPT_ROUTE, async (c, next) => {
		const record = c.get("record");
		record.script = c.req.param("script");
		return scriptedFailure(record) ?? next();
	});

	app.use(SCRIPT_ROUTE, async (c, next) => {
		checkAuth(c, c.req.param("account"));
		const scripts = namespaces.get(c.req.param("namespace"));
		if (!scripts) throw refuse(404, 100119, `dispatch namespace '${c.req.param("namespace")}' not found`);
		c.set("scripts", scripts);
		await next();
	});

	app.put(SCRIPT_ROUTE, async (c) => {
		const scriptName = c.req.param("script");
		const scripts = c.get("scripts");
		if (!SCRIPT_NAME.test(scriptName)) throw refuse(400, 10016, "Invalid Worker name");
		const { metadata, modules } = await readUpload(c.req.raw, c.get("record"));
		const now = new Date().toISOString();
		const stored: Stored = {
			etag: randomBytes(16).toString("hex"),
			metadata,
			modules,
			createdOn: scripts.get(scriptName)?.createdOn ?? now,
			assets: metadata.assets ? scriptAssets(metadata.assets.jwt, c.req.param("namespace"), scriptName) : null,
		};
		scripts.set(scriptName, stored);
		return c.json(
			envelope({
				id: scriptName,
				etag: stored.etag,
				created_on: stored.createdOn,
				modified_on: now,
				has_modules: modules.length > 0,
				has_assets: stored.assets !== null,
				compatibility_date: metadata.compatibility_date,
				compatibility_flags: metadata.compatibility_flags ?? [],
				tags: metadata.tags ?? [],
				usage_model: "standard",
			}),
		);
	});

	app.delete(SCRIPT_ROUTE, (c) => {
		if (!c.get("scripts").delete(c.req.param("script"))) throw refuse(404, 10007, "This Worker does not exist on your account.");
		return c.json(envelope(null));
	});

	app.all(SCRIPT_ROUTE, (c) => {
		throw refuse(405, 10000, `Method ${c.req.method} not allowed`);
	});

	// The control surface (./control.ts): script failures, read back requests and stored scripts.
	app.post(`${CONTROL_PREFIX}/failures`, async (c) => {
		failures.push(failureRuleSchema.parse(await c.req.json()) as FailureRule);
		return c.json({ ok: true });
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
			modules: stored.modules.map((m) => ({ name: m.name, type: m.type, base64: Buffer.from(m.bytes).toString("base64") })),
			assets: stored.assets,
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

	function checkAuth(c: Context<Env>, account: string): void {
		const token = c.req.header("authorization")?.match(/^Bearer (\S+)$/)?.[1];
		if (!token)
			throw new ApiError(400, [
				{ code: 6003, message: "Invalid request headers" },
				{ code: 6111, message: "Invalid format for Authorization header" },
			]);
		if (token !== apiToken || account !== accountId) throw refuse(403, 10000, "Authentication error");
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

async function readUpload(request: Request, record: RecordedRequest): Promise<{ metadata: ScriptMetadata; modules: StoredModuleBytes[] }> {
	const contentType = request.headers.get("content-type") ?? "";
	if (!contentType.startsWith("multipart/form-data"))
		throw refuse(400, 10026, "Could not parse request body: expected multipart/form-data");
	let form: FormData;
	try {
		form = await request.formData();
	} catch {
		throw refuse(400, 10026, "Could not parse request body");
	}
	const names = new Set<string>();
	for (const [name, value] of form) {
		const part: RecordedPart =
			typeof value === "string"
				? { name, type: "", filename: null, size: value.length }
				: { name, type: value.type, filename: value.name, size: value.size };
		record.parts.push(part);
		if (names.has(name)) throw refuse(400, 10021, `multiple parts named '${name}'`);
		names.add(name);
	}
	const metadataPart = form.get("metadata");
	if (metadataPart === null) throw refuse(400, 10021, "Missing metadata part");
	// The metadata part is JSON: a plain field, or a file part typed application/json.
	if (typeof metadataPart !== "string" && metadataPart.type !== "application/json")
		throw refuse(400, 10021, `metadata part must be application/json, not '${metadataPart.type}'`);
	let json: unknown;
	try {
		json = JSON.parse(typeof metadataPart === "string" ? metadataPart : await metadataPart.text());
	} catch {
		throw refuse(400, 10021, "metadata is not valid JSON");
	}
	record.metadata = json;
	const parsed = scriptMetadataSchema.safeParse(json);
	if (!parsed.success) throw refuse(400, 10021, `Invalid metadata: ${z.prettifyError(parsed.error).replace(/\n/g, "; ")}`);
	const metadata = parsed.data;
	record.tags = metadata.tags ?? [];

	const modules: StoredModuleBytes[] = [];
	for (const [name, value] of form) {
		if (name === "metadata") continue;
		if (typeof value === "string") throw refuse(400, 10021, `part '${name}' must be a file part with a content type`);
		if (!(value.type in MODULE_CONTENT_TYPES)) throw refuse(400, 10021, `part '${name}' has unsupported content type '${value.type}'`);
		modules.push({ name, type: value.type, bytes: new Uint8Array(await value.arrayBuffer()) });
	}
	if (metadata.main_module === undefined) {
		// Assets only: the metadata's assets and no module at all.
		if (!metadata.assets || modules.length > 0 || metadata.bindings?.length)
			throw refuse(400, 10021, "main_module is required unless the upload is assets only (metadata.assets, no module, no binding)");
	} else if (!modules.some((m) => m.name === metadata.main_module))
		throw refuse(400, 10021, `No such module "${metadata.main_module}": main_module must name an uploaded part`);
	for (const binding of metadata.bindings ?? [])
		if ((metadata.bindings ?? []).filter((b) => b.name === binding.name).length > 1)
			throw refuse(400, 10021, `binding name '${binding.name}' used twice`);
	for (const module of modules) await checkSyntax(module);
	return { metadata, modules };
}

/**
 * Cloudflare parses and starts every module at upload and refuses code that does not (code 10021,
 * "Uncaught SyntaxError: Unexpected token 'export' at worker.js:100"). The fake can only parse: a
 * syntax error is refused the same way; a top level that throws is not detected here.
 */
async function checkSyntax(module: StoredModuleBytes): Promise<void> {
	const kind = MODULE_CONTENT_TYPES[module.type as keyof typeof MODULE_CONTENT_TYPES];
	if (kind !== "esm" && kind !== "commonjs") return;
	try {
		await transform(new TextDecoder().decode(module.bytes), { loader: "js", format: kind === "esm" ? "esm" : "cjs", logLevel: "silent" });
	} catch (error) {
		const first = (error as { errors?: { text: string; location?: { line: number; column: number } | null }[] }).errors?.[0];
		const at = first?.location ? `${module.name}:${first.location.line}:${first.location.column}` : module.name;
		throw refuse(400, 10021, `Uncaught SyntaxError: ${first?.text ?? "invalid code"} at ${at}`);
	}
}
