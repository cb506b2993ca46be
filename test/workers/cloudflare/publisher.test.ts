/**
 * The dispatch-namespace publisher against the fake Cloudflare API (test/support/cloudflare-api/): the
 * request it sends (method, path, auth, parts, metadata), what it does with each of Cloudflare's
 * documented failures, and script deletion. Deploys go through the real API and dispatcher
 * (../runtime/platforms.ts); the retry timing tests drive the publisher directly with a recorded sleep.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runDeployment } from "../../../workers/api/src/deploy/pipeline";
import type { Upload } from "../../../workers/api/src/deploy/upload";
import { type BuiltDeployment, LoadError } from "../../../workers/api/src/publish";
import { DispatchNamespacePublisher } from "../../../workers/api/src/publish/dispatch-namespace";
import { cloudflareAssetHash } from "../../../workers/api/src/publish/dispatch-namespace/assets";
import { uploadForm as cloudflareForm } from "../../../workers/api/src/publish/dispatch-namespace/form";
import { ArtifactStore } from "../../../workers/shared/artifacts";
import { R2AssetStore } from "../../../workers/shared/assets/store";
import { openDatabase } from "../../../workers/shared/db";
import type { Manifest } from "../../../workers/shared/deployments/manifest";
import { newId, sha256Hex } from "../../../workers/shared/ids";
import type { RouteControlApi } from "../../../workers/shared/runtime/route";
import { scriptMetadataSchema } from "../../support/cloudflare-api/schema";
import { base64Of, deployWithAssets, hashOf, uploadAssets } from "../assets";
import { hello, uniqueName } from "../platform";
import { type CloudflarePlatform, cloudflarePlatform } from "../runtime/platforms";

const p: CloudflarePlatform = cloudflarePlatform();
const { cloudflare } = p;

type DeploymentView = { id: string; state: string; error: { stage: string; message: string } | null };

async function deploy(
	token: string,
	name: string,
	source: Parameters<CloudflarePlatform["deploy"]>[2],
	metadata?: Record<string, unknown>,
) {
	const res = await p.deploy(token, name, source, metadata);
	const body = (await res.json()) as { deployment: DeploymentView; error?: { code: string; message: string } };
	return { status: res.status, ...body };
}

async function liveScript(source = hello("v1")) {
	const tenant = await p.newTenant();
	const name = uniqueName("cf");
	const first = await deploy(tenant.token, name, source);
	expect(first.status).toBe(200);
	return { tenant, name, first: first.deployment };
}

let spies: { mockRestore(): void }[] = [];
afterEach(() => {
	for (const spy of spies) spy.mockRestore();
	spies = [];
});
/** Structured log lines the platform wrote at `level` while `run` ran. */
function captureLogs(level: "info" | "warn" | "error") {
	const spy = vi.spyOn(console, level);
	spies.push(spy);
	return () => spy.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);
}

describe("the upload request", () => {
	it("is the documented PUT to the namespace script, with bearer auth, one typed part per module and the metadata JSON", async () => {
		const tenant = await p.newTenant();
		const name = uniqueName("cf");
		const result = await deploy(
			tenant.token,
			name,
			[
				{
					name: "index.js",
					content: `import lib from "./lib.cjs"; import c from "./c.json"; export default { fetch: () => Response.json({ n: lib.n, c }) };`,
				},
				{ name: "lib.cjs", content: "module.exports = { n: 1 };", type: "text/javascript" },
				{ name: "c.json", content: `{"k":"v"}`, type: "application/json" },
				{ name: "note.txt", content: "text", type: "text/plain" },
				{ name: "index.js.map", content: "{}", type: "application/source-map" },
			],
			{ compatibility_flags: ["nodejs_compat"], vars: { GREETING: "hi" } },
		);
		expect(result.status).toBe(200);
		const id = result.deployment.id;
		const [upload, ...others] = await cloudflare.requests({ script: id });
		expect(others).toEqual([]);
		expect(upload).toMatchObject({
			method: "PUT",
			path: `/client/v4/accounts/${cloudflare.info.accountId}/workers/dispatch/namespaces/${cloudflare.info.namespace}/scripts/${id}`,
			authorization: `Bearer ${cloudflare.info.apiToken}`,
			status: 200,
		});
		expect(upload!.contentType).toMatch(/^multipart\/form-data; boundary=/);
		expect(upload!.parts.map(({ name, type }) => ({ name, type }))).toEqual([
			{ name: "metadata", type: "application/json" },
			{ name: "index.js", type: "application/javascript+module" },
			{ name: "lib.cjs", type: "text/javascript" },
			// The upload API has no JSON module type: the JSON goes up as the ES module importing it would give.
			{ name: "c.json", type: "application/javascript+module" },
			{ name: "note.txt", type: "text/plain" },
			{ name: "index.js.map", type: "application/source-map" },
		]);
		expect(scriptMetadataSchema.parse(upload!.metadata)).toEqual({
			main_module: "index.js",
			compatibility_date: "2026-11-01",
			compatibility_flags: ["nodejs_compat"],
			bindings: [{ type: "plain_text", name: "GREETING", text: "hi" }],
			tags: ["ferry", `tenant-${tenant.id}`, `script-${name}`, `deployment-${id}`],
		});
		expect(await (await p.visit(`${name}.localhost`)).json()).toEqual({ n: 1, c: { k: "v" } });
	});

	it("sends secrets as secret_text bindings beside the vars", async () => {
		const manifest = await manifestFor(hello("s"));
		const form = cloudflareForm(manifest.manifest, manifest.blobs, { API_KEY: "s3cret" });
		const metadata = JSON.parse(await (form.get("metadata") as File).text());
		expect(scriptMetadataSchema.parse(metadata).bindings).toEqual([
			{ type: "plain_text", name: "MODE", text: "test" },
			{ type: "secret_text", name: "API_KEY", text: "s3cret" },
		]);
	});

	it("is refused by the fake exactly where Cloudflare refuses it (the contract checks are real)", async () => {
		const { url, accountId, apiToken, namespace } = cloudflare.info;
		const scriptUrl = `${url}/accounts/${accountId}/workers/dispatch/namespaces/${namespace}/scripts/contract-check`;
		const form = (metadata: unknown, part = { name: "index.js", type: "application/javascript+module" }) => {
			const body = new FormData();
			body.set("metadata", new File([JSON.stringify(metadata)], "metadata.json", { type: "application/json" }));
			body.append(part.name, new File([hello("x")], part.name, { type: part.type }));
			return body;
		};
		const valid = { main_module: "index.js", compatibility_date: "2026-11-01" };
		const cases: [string, RequestInit, number, number][] = [
			["no token", { method: "PUT", body: form(valid) }, 400, 6003],
			["another token", { method: "PUT", body: form(valid), headers: { authorization: "Bearer nope" } }, 403, 10000],
			["metadata field Cloudflare does not document", { method: "PUT", body: form({ ...valid, main: "index.js" }) }, 400, 10021],
			["vars instead of bindings", { method: "PUT", body: form({ ...valid, vars: { A: "1" } }) }, 400, 10021],
			[
				"a binding type Ferry never sends",
				{ method: "PUT", body: form({ ...valid, bindings: [{ type: "plain", name: "A", text: "1" }] }) },
				400,
				10021,
			],
			["main_module not among the parts", { method: "PUT", body: form({ ...valid, main_module: "main.js" }) }, 400, 10021],
			[
				"a part with a content type the API does not take",
				{ method: "PUT", body: form(valid, { name: "index.js", type: "text/html" }) },
				400,
				10021,
			],
			["not multipart", { method: "PUT", body: JSON.stringify(valid), headers: { "content-type": "application/json" } }, 400, 10026],
		];
		for (const [what, init, status, code] of cases) {
			const headers = new Headers(init.headers);
			if (!headers.has("authorization") && what !== "no token") headers.set("authorization", `Bearer ${apiToken}`);
			const res = await fetch(scriptUrl, { ...init, headers });
			const body = (await res.json()) as { success: boolean; errors: { code: number }[]; result: unknown };
			expect({ what, status: res.status, success: body.success, code: body.errors[0]?.code, result: body.result }).toEqual({
				what,
				status,
				success: false,
				code,
				result: null,
			});
		}
		const wrongPath = await fetch(`${url}/accounts/${accountId}/workers/scripts/contract-check`, {
			method: "PUT",
			headers: { authorization: `Bearer ${apiToken}` },
			body: form(valid),
		});
		expect(wrongPath.status).toBe(404);
		expect(await cloudflare.script("contract-check")).toBeNull();
	});
});

describe("static assets", () => {
	const files = {
		"/index.html": { content: "<h1>home</h1>" },
		"/app.js": { content: "console.log(1)" },
		"/logo.bin": { content: new Uint8Array([0, 1, 2, 255]), type: "application/null" },
	};
	const call = p.api.bind(p);

	it("go up with the namespace script through Cloudflare's upload session: manifest, buckets by the session's JWT, completion token in the metadata", async () => {
		const tenant = await p.newTenant();
		const name = uniqueName("cf");
		const { jwt } = await uploadAssets(tenant.token, name, files, call);
		const res = await deployWithAssets(
			tenant.token,
			name,
			jwt,
			{ worker: hello("w"), binding: "ASSETS", config: { not_found_handling: "404-page" } },
			call,
		);
		const body = await res.json<{ deployment: DeploymentView }>();
		expect(res.status, JSON.stringify(body)).toBe(200);
		const id = body.deployment.id;
		const base = `/client/v4/accounts/${cloudflare.info.accountId}/workers`;
		const requests = await cloudflare.requests({ script: id });
		const session = requests.find((r) => r.path.endsWith("/assets-upload-session"))!;
		expect(session).toMatchObject({
			method: "POST",
			path: `${base}/dispatch/namespaces/${cloudflare.info.namespace}/scripts/${id}/assets-upload-session`,
			authorization: `Bearer ${cloudflare.info.apiToken}`,
			status: 200,
		});
		const upload = (await cloudflare.requests({})).find((r) => r.path === `${base}/assets/upload` && r.at >= session.at)!;
		expect(upload.status).toBe(201);
		expect(upload.authorization).not.toBe(`Bearer ${cloudflare.info.apiToken}`);
		expect(upload.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
		const cfHash = (path: keyof typeof files) => cloudflareAssetHash(tenant.id, hashOf(path, files[path].content));
		expect(upload.parts.map((part) => [part.name, part.type]).sort()).toEqual(
			[
				[await cfHash("/index.html"), "text/html; charset=utf-8"],
				[await cfHash("/app.js"), "text/javascript; charset=utf-8"],
				[await cfHash("/logo.bin"), "application/null"],
			].sort(),
		);
		const script = (await cloudflare.script(id))!;
		expect(script.metadata.assets?.config).toEqual({
			html_handling: "auto-trailing-slash",
			not_found_handling: "404-page",
			run_worker_first: false,
		});
		expect(script.metadata.bindings).toContainEqual({ type: "assets", name: "ASSETS" });
		expect(script.assets).toEqual({
			"/index.html": await cfHash("/index.html"),
			"/app.js": await cfHash("/app.js"),
			"/logo.bin": await cfHash("/logo.bin"),
		});
		const logo = await cloudflare.asset(await cfHash("/logo.bin"));
		expect(logo).toEqual({ base64: base64Of(new Uint8Array([0, 1, 2, 255])), contentType: null });
		// The Worker still runs behind Cloudflare's asset serving.
		expect(await (await p.visit(`${name}.localhost`, "/dynamic")).text()).toBe("w");
	});

	it("keep tenants apart on Cloudflare too: identical bytes of another tenant are other hashes, uploaded again; an assets-only script has no module", async () => {
		const a = await p.newTenant();
		const b = await p.newTenant();
		const deployFor = async (tenant: { token: string }) => {
			const name = uniqueName("cf");
			const { jwt } = await uploadAssets(tenant.token, name, files, call);
			const res = await deployWithAssets(tenant.token, name, jwt, {}, call);
			expect(res.status).toBe(200);
			return (await res.json<{ deployment: DeploymentView }>()).deployment.id;
		};
		const [first, second] = [await deployFor(a), await deployFor(b)];
		const [scriptA, scriptB] = [(await cloudflare.script(first))!, (await cloudflare.script(second))!];
		expect(scriptA.modules).toEqual([]);
		expect(scriptA.metadata.main_module).toBeUndefined();
		expect(scriptA.metadata.assets?.config).toEqual({ html_handling: "auto-trailing-slash", not_found_handling: "none" });
		expect(Object.values(scriptA.assets!).some((hash) => Object.values(scriptB.assets!).includes(hash))).toBe(false);
		// A's second deployment of the same files: Cloudflare holds them, nothing is uploaded.
		const again = await deployFor(a);
		const requests = await cloudflare.requests({ script: again });
		expect(requests.map((r) => r.path.split("/").pop())).toEqual(["assets-upload-session", again]);
	});
});

describe("Cloudflare's answers", () => {
	it("puts the deployment in Error with Cloudflare's message when it refuses the code (10021), and the previous one keeps serving", async () => {
		const { tenant, name } = await liveScript(hello("v1"));
		const message = "Uncaught ReferenceError: process is not defined at index.js:1:24";
		await cloudflare.fail({
			method: "PUT",
			tag: `script-${name}`,
			responses: [{ status: 400, body: { success: false, errors: [{ code: 10021, message }], messages: [], result: null } }],
		});
		const failed = await deploy(tenant.token, name, hello("v2"));
		expect(failed.status).toBe(422);
		expect(failed.error?.code).toBe("deployment_failed");
		expect(failed.deployment.state).toBe("Error");
		expect(failed.deployment.error).toEqual({ stage: "load", message: `Cloudflare refused the code: ${message} (code 10021)` });
		expect(await (await p.visit(`${name}.localhost`)).text()).toBe("v1");
		expect(await cloudflare.script(failed.deployment.id)).toBeNull();
	});

	it("retries a 429 after the Retry-After Cloudflare sent, then deploys", async () => {
		const { tenant, name } = await liveScript();
		await cloudflare.fail({
			method: "PUT",
			tag: `script-${name}`,
			responses: [
				{
					status: 429,
					headers: { "retry-after": "0" },
					body: {
						success: false,
						errors: [{ code: 971, message: "Please wait and consider throttling your request speed" }],
						messages: [],
						result: null,
					},
				},
			],
		});
		const result = await deploy(tenant.token, name, hello("after 429"));
		expect(result.status).toBe(200);
		expect((await cloudflare.requests({ script: result.deployment.id })).map((r) => r.status)).toEqual([429, 200]);
		expect(await (await p.visit(`${name}.localhost`)).text()).toBe("after 429");
	});

	it("retries a 5xx (even an HTML one from a proxy), then deploys", async () => {
		const { tenant, name } = await liveScript();
		await cloudflare.fail({
			method: "PUT",
			tag: `script-${name}`,
			responses: [{ status: 502, headers: { "content-type": "text/html" }, body: "<html>Bad gateway</html>" }],
		});
		const result = await deploy(tenant.token, name, hello("after 502"));
		expect(result.status).toBe(200);
		expect((await cloudflare.requests({ script: result.deployment.id })).map((r) => r.status)).toEqual([502, 200]);
	});

	it("treats a refused token as the platform's fault: the tenant reads no Cloudflare internals, the operator's log has them", async () => {
		const { tenant, name } = await liveScript(hello("v1"));
		await cloudflare.fail({
			method: "PUT",
			tag: `script-${name}`,
			responses: [
				{ status: 403, body: { success: false, errors: [{ code: 10000, message: "Authentication error" }], messages: [], result: null } },
			],
		});
		const errors = captureLogs("error");
		const failed = await deploy(tenant.token, name, hello("v2"));
		expect(failed.status).toBe(422);
		expect(failed.deployment.error?.message).toBe(
			`internal error at the load stage; the platform logged it under deployment ${failed.deployment.id}`,
		);
		const logged = errors().find((l) => l.deploymentId === failed.deployment.id);
		expect(JSON.stringify(logged)).toContain("Authentication error (code 10000)");
		expect(await (await p.visit(`${name}.localhost`)).text()).toBe("v1");
	});

	it("uploads nothing on rollback: the earlier deployment's namespace script serves again", async () => {
		const { tenant, name } = await liveScript(hello("v1"));
		await deploy(tenant.token, name, hello("v2"));
		expect((await p.api(`/v1/scripts/${name}/rollback`, { method: "POST", token: tenant.token })).status).toBe(200);
		expect(await (await p.visit(`${name}.localhost`)).text()).toBe("v1");
		expect((await cloudflare.requests({ tag: `script-${name}` })).filter((r) => r.method === "PUT")).toHaveLength(2);
	});
});

describe("deleting a script", () => {
	it("deletes the namespace script of every deployment it uploaded, live or not", async () => {
		const { tenant, name } = await liveScript(hello("v1"));
		await deploy(tenant.token, name, hello("v2"));
		await cloudflare.fail({
			method: "PUT",
			tag: `script-${name}`,
			responses: [{ status: 400, body: { success: false, errors: [{ code: 10021, message: "nope" }], messages: [], result: null } }],
		});
		await deploy(tenant.token, name, hello("refused"));
		const uploaded = await cloudflare.scriptsTagged(`script-${name}`);
		expect(uploaded).toHaveLength(2);
		expect((await p.api(`/v1/scripts/${name}`, { method: "DELETE", token: tenant.token })).status).toBe(200);
		expect(await cloudflare.scriptsTagged(`script-${name}`)).toEqual([]);
		const deletes = (await cloudflare.requests({})).filter(
			(r) => r.method === "DELETE" && uploaded.some((id) => r.path.endsWith(`/scripts/${id}`)),
		);
		expect(deletes.map((r) => r.status)).toEqual([200, 200]);
	});

	it("finishes the delete when Cloudflare fails, and logs the scripts left in the namespace for the operator", async () => {
		const { tenant, name } = await liveScript(hello("v1"));
		const [id] = await cloudflare.scriptsTagged(`script-${name}`);
		// Every attempt fails (Retry-After 0 keeps the test from waiting out the backoff).
		await cloudflare.fail({
			method: "DELETE",
			script: id,
			responses: Array.from({ length: 4 }, () => ({ status: 500, headers: { "retry-after": "0" } })),
		});
		const errors = captureLogs("error");
		expect((await p.api(`/v1/scripts/${name}`, { method: "DELETE", token: tenant.token })).status).toBe(200);
		expect((await p.visit(`${name}.localhost`)).status).toBe(404);
		expect(errors().find((l) => l.scriptName === name)).toMatchObject({ namespace: cloudflare.info.namespace, namespaceScripts: [id] });
	});
});

describe("releasing a name that never served", () => {
	it("deletes the namespace scripts the failed deployments may have left", async () => {
		const [first, second] = [await p.newTenant(), await p.newTenant()];
		const name = uniqueName("cf");
		// Every attempt gets a 5xx: the upload may or may not have been stored, as far as Ferry knows.
		await cloudflare.fail({
			method: "PUT",
			tag: `script-${name}`,
			responses: Array.from({ length: 4 }, () => ({ status: 500, headers: { "retry-after": "0" } })),
		});
		const failed = await deploy(first.token, name, hello("never served"));
		expect(failed.deployment.error?.stage).toBe("load");
		const claimed = await deploy(second.token, name, hello("second's"));
		expect(claimed.status).toBe(200);
		await expect
			.poll(async () => (await cloudflare.requests({ script: failed.deployment.id })).filter((r) => r.method === "DELETE").length)
			.toBe(1);
		expect(await (await p.visit(`${name}.localhost`)).text()).toBe("second's");
	});
});

describe("a namespace without the routed script", () => {
	it("answers the 404 page when the script was deleted and this dispatcher isolate had not heard (Worker not found)", async () => {
		// On Cloudflare the API reaches one dispatcher isolate; this one stands for the others.
		const stale = cloudflarePlatform({ routeControl: { refresh: async () => {} } });
		const tenant = await stale.newTenant();
		const name = uniqueName("cf");
		expect((await stale.deploy(tenant.token, name, hello("soon gone"))).status).toBe(200);
		expect(await (await stale.visit(`${name}.localhost`)).text()).toBe("soon gone"); // route now cached here
		expect((await stale.api(`/v1/scripts/${name}`, { method: "DELETE", token: tenant.token })).status).toBe(200);
		const res = await stale.visit(`${name}.localhost`);
		expect(res.status).toBe(404);
		expect(await res.text()).toContain("No script is deployed at this address");
	});

	it("answers 503 and tells the operator when the route still points at a script the namespace lost", async () => {
		const { name } = await liveScript(hello("v1"));
		const [id] = await cloudflare.scriptsTagged(`script-${name}`);
		const { url, accountId, namespace, apiToken } = cloudflare.info;
		// Removed behind Ferry's back (by hand, in the dashboard).
		await fetch(`${url}/accounts/${accountId}/workers/dispatch/namespaces/${namespace}/scripts/${id}`, {
			method: "DELETE",
			headers: { authorization: `Bearer ${apiToken}` },
		});
		const errors = captureLogs("error");
		const res = await p.visit(`${name}.localhost`, "/", { headers: { "cf-ray": "ray-lost" } });
		expect(res.status).toBe(503);
		expect(errors()).toContainEqual(
			expect.objectContaining({ message: "the runtime could not run a routed deployment", requestId: "ray-lost", deploymentId: id }),
		);
	});
});

/** A Built deployment made by hand, for driving the publisher without the pipeline. */
async function manifestFor(source: string): Promise<{ manifest: Manifest; blobs: Map<string, ArrayBuffer> }> {
	const bytes = new TextEncoder().encode(source).buffer as ArrayBuffer;
	const sha256 = await sha256Hex(bytes);
	const manifest: Manifest = {
		version: 1,
		deploymentId: newId(),
		scriptName: uniqueName("direct"),
		tenantId: newId(),
		mainModule: "index.js",
		compatibilityDate: "2026-11-01",
		compatibilityFlags: [],
		vars: { MODE: "test" },
		modules: [{ name: "index.js", kind: "esm", sha256, size: bytes.byteLength }],
	};
	return { manifest, blobs: new Map([[sha256, bytes]]) };
}

describe("a failure of the publisher itself", () => {
	const direct = () => {
		const { url, accountId, apiToken, namespace } = cloudflare.info;
		return new DispatchNamespacePublisher({ apiUrl: url, accountId, apiToken, namespace });
	};
	/** The deployment as Built, its module bytes gone: the upload form cannot be built. */
	const withoutBytes = (built: BuiltDeployment): BuiltDeployment => ({ ...built, blobs: new Map() });

	it("is its own error, not a LoadError and not a TypeError from reading Cloudflare's answer that never came", async () => {
		const built = await manifestFor(hello("x"));
		const error = await direct()
			.load(withoutBytes(built))
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(Error);
		expect(error).not.toBeInstanceOf(LoadError);
		expect(error).not.toBeInstanceOf(TypeError);
		expect((error as Error).message).toBe("module index.js has no bytes");
		expect(await cloudflare.requests({ script: built.manifest.deploymentId })).toEqual([]);
	});

	it("ends the deployment in Error at the load stage with a message the tenant can read, the cause in the operator's log", async () => {
		const { tenant, name } = await liveScript(hello("v1"));
		const db = openDatabase(env.DB);
		const script = await env.DB.prepare("SELECT id FROM scripts WHERE name = ? AND deleted_at IS NULL").bind(name).first<{ id: string }>();
		const publisher = direct();
		const upload: Upload = {
			mainModule: "index.js",
			compatibilityDate: "2026-11-01",
			compatibilityFlags: [],
			vars: {},
			modules: [
				{
					name: "index.js",
					contentType: "application/javascript+module",
					bytes: new TextEncoder().encode(hello("v2")).buffer as ArrayBuffer,
				},
			],
			sizeBytes: 1,
		};
		const errors = captureLogs("error");
		const { deployment, events } = await runDeployment(
			{
				db,
				artifacts: new ArtifactStore(env.ARTIFACTS),
				assets: new R2AssetStore(env.ARTIFACTS),
				// The real publisher, handed the deployment after its bytes went missing.
				publisher: { load: (built) => publisher.load(withoutBytes(built)), remove: (scriptName, ids) => publisher.remove(scriptName, ids) },
				routeControl: env.ROUTES as unknown as RouteControlApi,
			},
			{ tenantId: tenant.id, scriptId: script!.id, scriptName: name },
			upload,
		);
		const id = deployment.id;
		const message = `internal error at the load stage; the platform logged it under deployment ${id}`;
		expect(deployment).toMatchObject({ state: "Error", errorStage: "load", errorMessage: message });
		expect(events.map((e) => e.to)).toEqual(["Queued", "Built", "Error"]);
		// What the pipeline returned is what the store holds, and what the tenant reads.
		const view = await (await p.api(`/v1/deployments/${id}`, { token: tenant.token })).json<{ deployment: DeploymentView }>();
		expect(view.deployment.state).toBe("Error");
		expect(view.deployment.error).toEqual({ stage: "load", message });
		const logged = errors().find((line) => line.deploymentId === id);
		expect(logged).toMatchObject({ message: "deployment failed unexpectedly", error: { message: "module index.js has no bytes" } });
		expect(JSON.stringify(logged)).not.toContain("TypeError");
		expect(await (await p.visit(`${name}.localhost`)).text()).toBe("v1");
	});
});

describe("retry timing (the publisher driven directly, its sleep recorded)", () => {
	const rateLimited = (retryAfter: string) => ({
		status: 429,
		headers: { "retry-after": retryAfter },
		body: {
			success: false,
			errors: [{ code: 10000, message: "Rate limited. Please wait and consider throttling your request speed" }],
			messages: [],
			result: null,
		},
	});
	function publisher() {
		const waits: number[] = [];
		const { url, accountId, apiToken, namespace } = cloudflare.info;
		const instance = new DispatchNamespacePublisher(
			{ apiUrl: url, accountId, apiToken, namespace },
			{
				sleep: async (ms) => {
					waits.push(ms);
				},
			},
		);
		return { instance, waits };
	}

	it("waits exactly what Retry-After asks (seconds or an HTTP date) before trying again", async () => {
		const built = await manifestFor(hello("x"));
		const { instance, waits } = publisher();
		const inTwoSeconds = new Date(Date.now() + 2_000).toUTCString();
		await cloudflare.fail({ method: "PUT", script: built.manifest.deploymentId, responses: [rateLimited("7"), rateLimited(inTwoSeconds)] });
		await instance.load(built);
		expect(waits[0]).toBe(7_000);
		expect(waits[1]).toBeGreaterThan(0);
		expect(waits[1]).toBeLessThanOrEqual(2_000);
		expect(await cloudflare.script(built.manifest.deploymentId)).not.toBeNull();
	});

	it("gives up at once when Cloudflare asks for longer than a deploy may wait, saying when to try again", async () => {
		const built = await manifestFor(hello("x"));
		const { instance, waits } = publisher();
		await cloudflare.fail({ method: "PUT", script: built.manifest.deploymentId, responses: [rateLimited("300")] });
		const error = await instance.load(built).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(LoadError);
		expect((error as Error).message).toMatch(/after 1 attempt .*deploy again in 300 s$/);
		expect(waits).toEqual([]);
	});

	it("backs off between 5xx answers and fails with Cloudflare's message after the last attempt", async () => {
		const built = await manifestFor(hello("x"));
		const { instance, waits } = publisher();
		const unavailable = {
			status: 503,
			body: { success: false, errors: [{ code: 10013, message: "An unknown error has occurred" }], messages: [], result: null },
		};
		await cloudflare.fail({
			method: "PUT",
			script: built.manifest.deploymentId,
			responses: [unavailable, unavailable, unavailable, unavailable],
		});
		const error = await instance.load(built).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(LoadError);
		expect((error as Error).message).toBe(
			"Cloudflare did not accept the upload after 4 attempts (An unknown error has occurred (code 10013)); deploy again in a minute",
		);
		expect(waits).toHaveLength(3);
		// Full jitter under a doubling ceiling: 0.5 s, 1 s, 2 s.
		for (const [i, ms] of waits.entries()) expect(ms).toBeLessThanOrEqual(500 * 2 ** i);
		expect((await cloudflare.requests({ script: built.manifest.deploymentId })).map((r) => r.status)).toEqual([503, 503, 503, 503]);
	});
});
