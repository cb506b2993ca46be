/**
 * A local HTTP server standing in for the Cloudflare REST API (v4), for the endpoints Ferry calls:
 * upload and delete a Workers for Platforms namespace script. It checks each request the way the
 * documented API does (./schema.ts: path, bearer token, multipart parts and their content types,
 * the metadata JSON), parses module code to answer code 10021 for a syntax error as Cloudflare's
 * upload validation does, stores what it accepted, and plays back scripted failures in Cloudflare's
 * error shapes (./control.ts). Anything it does not know answers like Cloudflare's unknown route.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { transform } from "esbuild";
import { z } from "zod";
import type { FailureRule, FakeCloudflareApiInfo, RecordedPart, RecordedRequest, StoredScript } from "./control.ts";
import { type CloudflareMessage, envelope, MODULE_CONTENT_TYPES, SCRIPT_NAME, scriptMetadataSchema } from "./schema.ts";

const API_PREFIX = "/client/v4";
const SCRIPT_PATH = /^\/client\/v4\/accounts\/([^/]+)\/workers\/dispatch\/namespaces\/([^/]+)\/scripts\/([^/]+)$/;

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
	metadata: z.infer<typeof scriptMetadataSchema>;
	modules: StoredModuleBytes[];
	createdOn: string;
}

const failureRuleSchema = z.object({
	method: z.enum(["PUT", "DELETE"]),
	tag: z.string().optional(),
	script: z.string().optional(),
	responses: z
		.array(z.object({ status: z.number().int(), headers: z.record(z.string(), z.string()).optional(), body: z.unknown().optional() }))
		.min(1),
});

export interface FakeCloudflareApiServer extends FakeCloudflareApiInfo {
	stop(): Promise<void>;
}

export async function startFakeCloudflareApi(options: Partial<Omit<FakeCloudflareApiInfo, "url">> = {}): Promise<FakeCloudflareApiServer> {
	const accountId = options.accountId ?? randomBytes(16).toString("hex");
	const apiToken = options.apiToken ?? `cf_test_${randomBytes(20).toString("base64url")}`;
	const namespace = options.namespace ?? "ferry-tenants";
	// Namespaces exist before any upload (`wrangler dispatch-namespace create`).
	const namespaces = new Map<string, Map<string, Stored>>([[namespace, new Map()]]);
	const failures: FailureRule[] = [];
	const recorded: RecordedRequest[] = [];

	function checkAuth(request: Request, account: string): void {
		const header = request.headers.get("authorization");
		const token = header?.match(/^Bearer (\S+)$/)?.[1];
		if (!token)
			throw new ApiError(400, [
				{ code: 6003, message: "Invalid request headers" },
				{ code: 6111, message: "Invalid format for Authorization header" },
			]);
		if (token !== apiToken || account !== accountId) throw refuse(403, 10000, "Authentication error");
	}

	function scriptsOf(name: string): Map<string, Stored> {
		const scripts = namespaces.get(name);
		if (!scripts) throw refuse(404, 100119, `dispatch namespace '${name}' not found`);
		return scripts;
	}

	async function readUpload(request: Request, record: RecordedRequest) {
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
		const main = modules.find((m) => m.name === metadata.main_module);
		if (!main) throw refuse(400, 10021, `No such module "${metadata.main_module}": main_module must name an uploaded part`);
		for (const binding of metadata.bindings ?? [])
			if ((metadata.bindings ?? []).filter((b) => b.name === binding.name).length > 1)
				throw refuse(400, 10021, `binding name '${binding.name}' used twice`);
		for (const module of modules) await checkSyntax(module);
		return { metadata, modules };
	}

	async function handle(request: Request, record: RecordedRequest): Promise<Response> {
		const path = new URL(request.url).pathname;
		const match = path.match(SCRIPT_PATH);
		if (!match) throw refuse(404, 7003, `Could not route to ${path}, perhaps your object identifier is invalid?`);
		const [account, namespaceName, scriptName] = match.slice(1).map(decodeURIComponent) as [string, string, string];
		checkAuth(request, account);
		const scripts = scriptsOf(namespaceName);
		switch (request.method) {
			case "PUT": {
				if (!SCRIPT_NAME.test(scriptName)) throw refuse(400, 10016, "Invalid Worker name");
				const { metadata, modules } = await readUpload(request, record);
				const now = new Date().toISOString();
				const stored: Stored = {
					etag: randomBytes(16).toString("hex"),
					metadata,
					modules,
					createdOn: scripts.get(scriptName)?.createdOn ?? now,
				};
				scripts.set(scriptName, stored);
				return Response.json(
					envelope({
						id: scriptName,
						etag: stored.etag,
						created_on: stored.createdOn,
						modified_on: now,
						has_modules: true,
						compatibility_date: metadata.compatibility_date,
						compatibility_flags: metadata.compatibility_flags ?? [],
						tags: metadata.tags ?? [],
						usage_model: "standard",
					}),
				);
			}
			case "DELETE":
				if (!scripts.delete(scriptName)) throw refuse(404, 10007, "This Worker does not exist on your account.");
				return Response.json(envelope(null));
			default:
				throw refuse(405, 10000, `Method ${request.method} not allowed`);
		}
	}

	/** The first failure rule that matches, consuming one of its responses. */
	function scriptedFailure(method: string, path: string, tags: string[]): Response | undefined {
		const script = decodeURIComponent(path.match(SCRIPT_PATH)?.[3] ?? "");
		const index = failures.findIndex(
			(rule) =>
				rule.method === method &&
				(rule.tag === undefined || tags.includes(rule.tag)) &&
				(rule.script === undefined || rule.script === script),
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

	function control(request: Request, url: URL): Response | Promise<Response> {
		const path = url.pathname.slice("/__fake__".length);
		if (request.method === "POST" && path === "/failures")
			return request.json().then((body) => {
				failures.push(failureRuleSchema.parse(body) as FailureRule);
				return Response.json({ ok: true });
			});
		if (request.method === "GET" && path === "/requests") {
			const tag = url.searchParams.get("tag");
			const script = url.searchParams.get("script");
			const requests = recorded.filter(
				(r) =>
					(tag === null || r.tags.includes(tag)) &&
					(script === null || decodeURIComponent(r.path.match(SCRIPT_PATH)?.[3] ?? "") === script),
			);
			return Response.json({ requests });
		}
		const scriptMatch = path.match(/^\/accounts\/([^/]+)\/namespaces\/([^/]+)\/scripts(?:\/([^/]+))?$/);
		if (request.method === "GET" && scriptMatch && scriptMatch[1] === accountId) {
			const scripts = namespaces.get(scriptMatch[2]!) ?? new Map<string, Stored>();
			if (scriptMatch[3] === undefined) {
				const tag = url.searchParams.get("tag");
				return Response.json({
					scripts: [...scripts].filter(([, s]) => tag === null || s.metadata.tags?.includes(tag)).map(([name]) => name),
				});
			}
			const stored = scripts.get(scriptMatch[3]);
			if (!stored) return Response.json({ script: null }, { status: 404 });
			const script: StoredScript = {
				name: scriptMatch[3],
				etag: stored.etag,
				metadata: stored.metadata,
				modules: stored.modules.map((m) => ({ name: m.name, type: m.type, base64: Buffer.from(m.bytes).toString("base64") })),
			};
			return Response.json({ script });
		}
		return Response.json({ error: `no control route ${request.method} ${path}` }, { status: 404 });
	}

	async function respond(request: Request): Promise<Response> {
		const url = new URL(request.url);
		if (url.pathname.startsWith("/__fake__/")) return control(request, url);
		const record: RecordedRequest = {
			method: request.method,
			path: url.pathname,
			authorization: request.headers.get("authorization"),
			contentType: request.headers.get("content-type"),
			parts: [],
			metadata: null,
			tags: await peekTags(request),
			status: 0,
			at: Date.now(),
		};
		recorded.push(record);
		let response = scriptedFailure(request.method, url.pathname, record.tags);
		if (!response) {
			try {
				response = await handle(request, record);
			} catch (error) {
				if (!(error instanceof ApiError)) throw error;
				response = Response.json(envelope(null, error.errors), { status: error.status });
			}
		}
		record.status = response.status;
		return response;
	}

	const server = createServer((incoming, outgoing) => {
		toRequest(incoming)
			.then(respond)
			.catch((error: unknown) =>
				Response.json(envelope(null, [{ code: 10013, message: `fake API bug: ${String(error)}` }]), { status: 500 }),
			)
			.then((response) => send(response, outgoing));
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}${API_PREFIX}`,
		accountId,
		apiToken,
		namespace,
		stop: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
	};
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

async function toRequest(incoming: IncomingMessage): Promise<Request> {
	const chunks: Buffer[] = [];
	for await (const chunk of incoming) chunks.push(chunk as Buffer);
	const headers = new Headers();
	for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === "string") headers.set(name, value);
	const body = incoming.method === "GET" || incoming.method === "HEAD" ? undefined : Buffer.concat(chunks);
	return new Request(`http://${incoming.headers.host ?? "127.0.0.1"}${incoming.url ?? "/"}`, { method: incoming.method, headers, body });
}

async function send(response: Response, outgoing: ServerResponse): Promise<void> {
	outgoing.writeHead(response.status, Object.fromEntries(response.headers));
	outgoing.end(Buffer.from(await response.arrayBuffer()));
}
