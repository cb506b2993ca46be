/**
 * The dispatch-namespace publisher against the fake Cloudflare API (test/support/cloudflare-api/): the
 * upload it sends (method, path and query, auth, parts and their types, metadata, limits, tags), how
 * it reads Cloudflare's answer, whose fault each of Cloudflare's refusals is, and retries. Deploys go
 * through the real API and dispatcher (../runtime/platforms.ts); the retry timing tests drive the
 * publisher directly with a recorded sleep.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runDeployment } from "../../../workers/api/src/deploy/pipeline";
import type { Upload } from "../../../workers/api/src/deploy/upload";
import { type BuiltDeployment, LoadError, PublishUnavailableError } from "../../../workers/api/src/publish";
import { CLOUDFLARE_ERRORS } from "../../../workers/api/src/publish/dispatch-namespace/errors";
import { uploadForm as cloudflareForm, SCRIPT_LIMITS } from "../../../workers/api/src/publish/dispatch-namespace/form";
import { ArtifactStore } from "../../../workers/shared/artifacts";
import { R2AssetStore } from "../../../workers/shared/assets/store";
import { openDatabase } from "../../../workers/shared/db";
import { PLAN_LIMIT_BOUNDS } from "../../../workers/shared/runtime/plans";
import type { RouteControlApi } from "../../../workers/shared/runtime/route";
import { scriptMetadataSchema } from "../../support/cloudflare-api/schema";
import { ADMIN, hello, uniqueName } from "../platform";
import {
	builtDeployment,
	captureLogs,
	cloudflareError,
	cloudflareTestPlatform,
	type DeploymentView,
	directPublisher,
	scriptIdOf,
} from "./support";

const { p, cloudflare, deploy, liveScript } = cloudflareTestPlatform();

describe("the upload request", () => {
	it("is wrangler's PUT to the namespace script (?excludeScript=true), bearer auth, one part per module typed as wrangler types it, the metadata JSON", async () => {
		const tenant = await p.newTenant();
		const name = uniqueName("cf");
		const result = await deploy(
			tenant.token,
			name,
			[
				{
					name: "index.js",
					content: `import lib from "./lib.cjs"; import c from "./c.json"; export default { fetch: () => Response.json({ n: lib.n, c, own: Object.hasOwn(c, "__proto__") }) };`,
				},
				{ name: "lib.cjs", content: "module.exports = { n: 1 };", type: "text/javascript" },
				{ name: "c.json", content: `{"k":"v","__proto__":{"p":1}}`, type: "application/json" },
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
			query: "?excludeScript=true",
			authorization: `Bearer ${cloudflare.info.apiToken}`,
			status: 200,
		});
		expect(upload!.contentType).toMatch(/^multipart\/form-data; boundary=/);
		expect(upload!.parts.map(({ name, type }) => ({ name, type }))).toEqual([
			{ name: "metadata", type: "application/json" },
			{ name: "index.js", type: "application/javascript+module" },
			// CommonJS as wrangler sends it, whatever type the tenant gave it.
			{ name: "lib.cjs", type: "application/javascript" },
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
			tags: ["ferry", `tenant-${tenant.id}`, `script-${await scriptIdOf(name)}`, `name-${name}`, `deployment-${id}`],
			limits: { cpu_ms: PLAN_LIMIT_BOUNDS.cpuMs.max },
			// The namespace script's traces go to the telemetry Worker (docs/telemetry.md).
			tail_consumers: [{ service: "ferry-telemetry" }],
		});
		// JSON.parse's semantics: "__proto__" is an own key, as importing the JSON module gives.
		expect(await (await p.visit(`${name}.localhost`)).json()).toEqual({ n: 1, c: { k: "v", ["__proto__"]: { p: 1 } }, own: true });
	});

	it("sends a var that is not a string as a json binding, which the script reads with its type", async () => {
		const tenant = await p.newTenant();
		const name = uniqueName("cf");
		const result = await deploy(tenant.token, name, "export default { fetch: (r, env) => Response.json(env) };", {
			vars: { TEXT: "t", COUNT: 3, ON: true, LIST: [1, { k: "v" }] },
		});
		expect(result.status).toBe(200);
		const [upload] = await cloudflare.requests({ script: result.deployment.id });
		expect(scriptMetadataSchema.parse(upload!.metadata).bindings).toEqual([
			{ type: "plain_text", name: "TEXT", text: "t" },
			{ type: "json", name: "COUNT", json: 3 },
			{ type: "json", name: "ON", json: true },
			{ type: "json", name: "LIST", json: [1, { k: "v" }] },
		]);
		expect(await (await p.visit(`${name}.localhost`)).json()).toEqual({ TEXT: "t", COUNT: 3, ON: true, LIST: [1, { k: "v" }] });
	});

	it("sends secrets as secret_text bindings beside the vars", async () => {
		const built = await builtDeployment(hello("s"));
		const form = cloudflareForm(built, { secrets: { API_KEY: "s3cret" } });
		const metadata = JSON.parse(await (form.get("metadata") as File).text());
		expect(scriptMetadataSchema.parse(metadata).bindings).toEqual([
			{ type: "plain_text", name: "MODE", text: "test" },
			{ type: "secret_text", name: "API_KEY", text: "s3cret" },
		]);
	});

	it("tags every namespace script with its script's id, which a name claimed again never shares", async () => {
		const [first, second] = [await p.newTenant(), await p.newTenant()];
		const name = uniqueName("cf");
		await cloudflare.fail({ method: "PUT", tag: `name-${name}`, responses: [cloudflareError(400, 10021, "Uncaught Error: boom")] });
		const failed = await deploy(first.token, name, hello("never served"));
		expect(failed.status).toBe(422);
		const claimed = await deploy(second.token, name, hello("second's"));
		expect(claimed.status).toBe(200);
		const [failedUpload] = await cloudflare.requests({ script: failed.deployment.id });
		const [claimedUpload] = await cloudflare.requests({ script: claimed.deployment.id });
		const scriptTagOf = (tags: string[]) => tags.find((t) => t.startsWith("script-"));
		expect(scriptTagOf(claimedUpload!.tags)).toBe(`script-${await scriptIdOf(name)}`);
		expect(scriptTagOf(failedUpload!.tags)).not.toBe(scriptTagOf(claimedUpload!.tags));
	});
});

describe("Cloudflare's answer to the upload", () => {
	it("lists the handlers, and Ferry refuses a module without a fetch handler, as the local probe does", async () => {
		const { tenant, name } = await liveScript(hello("v1"));
		const failed = await deploy(tenant.token, name, "export default { scheduled() {} };");
		expect(failed.status).toBe(422);
		expect(failed.deployment.error).toEqual({
			stage: "load",
			message: "main module 'index.js' has no default export with a fetch handler",
		});
		const [upload] = await cloudflare.requests({ script: failed.deployment.id });
		expect(upload!.status).toBe(200);
		expect((await cloudflare.script(failed.deployment.id))!.handlers).toEqual(["scheduled"]);
		expect(await (await p.visit(`${name}.localhost`)).text()).toBe("v1");
	});

	it("is read, not trusted: an answer without a handlers list is the platform's failure, logged", async () => {
		const { tenant, name } = await liveScript(hello("v1"));
		await cloudflare.fail({
			method: "PUT",
			tag: `name-${name}`,
			responses: [{ status: 200, body: { success: true, errors: [], messages: [], result: { id: "x" } } }],
		});
		const errors = captureLogs("error");
		const failed = await deploy(tenant.token, name, hello("v2"));
		expect(failed.deployment.error?.message).toBe(
			`internal error at the load stage; the platform logged it under deployment ${failed.deployment.id}`,
		);
		expect(JSON.stringify(errors().find((l) => l.deploymentId === failed.deployment.id))).toContain("lists no handlers");
	});
});

describe("whose fault a refusal is, by Cloudflare's code", () => {
	it("puts the deployment in Error with Cloudflare's message when it refuses the code (10021), and the previous one keeps serving", async () => {
		const { tenant, name } = await liveScript(hello("v1"));
		const failed = await deploy(tenant.token, name, `export default { fetch() {} }; throw new Error("at the top");`);
		expect(failed.status).toBe(422);
		expect(failed.error?.code).toBe("deployment_failed");
		expect(failed.deployment.state).toBe("Error");
		// workerd's own startup error, as Cloudflare reports it, on one line.
		expect(failed.deployment.error).toEqual({
			stage: "load",
			message: "Cloudflare refused the code: Uncaught Error: at the top at index.js:1:38 (code 10021)",
		});
		expect(await (await p.visit(`${name}.localhost`)).text()).toBe("v1");
		expect(await cloudflare.script(failed.deployment.id)).toBeNull();
	});

	it("gives every code problem in the table to the tenant with Cloudflare's message", async () => {
		const { tenant, name } = await liveScript(hello("v1"));
		const codes = Object.entries(CLOUDFLARE_ERRORS).filter(([, e]) => e.fault === "code");
		expect(codes.map(([code]) => Number(code))).toEqual(expect.arrayContaining([10021, 10027, 10054, 10055, 10068]));
		for (const [code] of codes) {
			await cloudflare.fail({ method: "PUT", tag: `name-${name}`, responses: [cloudflareError(400, Number(code), `refusal ${code}`)] });
			const failed = await deploy(tenant.token, name, hello("v2"));
			expect({ code, status: failed.status, error: failed.deployment.error }).toEqual({
				code,
				status: 422,
				error: { stage: "load", message: `Cloudflare refused the code: refusal ${code} (code ${code})` },
			});
		}
	});

	it("treats an account, plan or token problem as the platform's: 503, the tenant's code not blamed, the operator's log has Cloudflare's answer", async () => {
		const { tenant, name } = await liveScript(hello("v1"));
		const cases: [number, number, string][] = [
			[403, 10000, "Authentication error"],
			[403, 10015, "Account is not entitled to use Workers"],
			[400, 10075, "workers.api.error.wrong_plan"],
			[400, 10042, "Please enable R2 through the Cloudflare Dashboard."],
			[404, 7003, "Could not route to /client/v4/accounts/x, perhaps your object identifier is invalid?"],
			[400, 999_999, "a code Ferry has never seen"],
		];
		for (const [status, code, message] of cases) {
			await cloudflare.fail({ method: "PUT", tag: `name-${name}`, responses: [cloudflareError(status, code, message)] });
			const errors = captureLogs("error");
			const failed = await deploy(tenant.token, name, hello("v2"));
			const id = failed.deployment.id;
			expect({ code, status: failed.status, error: failed.error?.code }).toEqual({ code, status: 503, error: "platform_unavailable" });
			expect(failed.deployment.error?.message).toBe(
				`the platform could not publish the deployment (its Cloudflare account refused the upload; logged under deployment ${id}); the code was not checked: deploy again once the operator has fixed it`,
			);
			expect(failed.deployment.error?.message).not.toContain(message);
			const logged = errors().find((l) => l.deploymentId === id);
			expect(logged).toMatchObject({ message: "the runtime did not take a deployment; the platform is at fault" });
			expect(JSON.stringify(logged)).toContain(`${message} (code ${code})`);
		}
		expect(await (await p.visit(`${name}.localhost`)).text()).toBe("v1");
	});

	it("retries a 429 after the Retry-After Cloudflare sent, then deploys", async () => {
		const { tenant, name } = await liveScript();
		await cloudflare.fail({
			method: "PUT",
			tag: `name-${name}`,
			responses: [cloudflareError(429, 971, "Please wait and consider throttling your request speed", { "retry-after": "0" })],
		});
		const result = await deploy(tenant.token, name, hello("after 429"));
		expect(result.status).toBe(200);
		expect((await cloudflare.requests({ script: result.deployment.id })).map((r) => r.status)).toEqual([429, 200]);
		expect(await (await p.visit(`${name}.localhost`)).text()).toBe("after 429");
	});

	it("retries a 5xx (even an HTML one from a proxy) and a concurrent change (10035), then deploys", async () => {
		const { tenant, name } = await liveScript();
		await cloudflare.fail({
			method: "PUT",
			tag: `name-${name}`,
			responses: [
				{ status: 502, headers: { "content-type": "text/html" }, body: "<html>Bad gateway</html>" },
				cloudflareError(409, 10035, "Multiple attempts to modify a resource at the same time", { "retry-after": "0" }),
			],
		});
		const result = await deploy(tenant.token, name, hello("after 502"));
		expect(result.status).toBe(200);
		expect((await cloudflare.requests({ script: result.deployment.id })).map((r) => r.status)).toEqual([502, 409, 200]);
	});

	it("uploads nothing on rollback: the earlier deployment's namespace script serves again", async () => {
		const { tenant, name } = await liveScript(hello("v1"));
		await deploy(tenant.token, name, hello("v2"));
		expect((await p.api(`/v1/scripts/${name}/rollback`, { method: "POST", token: tenant.token })).status).toBe(200);
		expect(await (await p.visit(`${name}.localhost`)).text()).toBe("v1");
		expect((await cloudflare.requests({ tag: `name-${name}` })).filter((r) => r.method === "PUT")).toHaveLength(2);
	});
});

describe("limits Cloudflare applies", () => {
	it("lets a plan's CPU limit above Cloudflare's 30 s default apply: scripts are uploaded with the highest a plan may have", async () => {
		expect(SCRIPT_LIMITS.cpu_ms).toBe(PLAN_LIMIT_BOUNDS.cpuMs.max);
		const plan = uniqueName("plan");
		expect((await p.api(`/v1/plans/${plan}`, { method: "PUT", token: ADMIN, json: { cpu_ms: 120_000, sub_requests: 50 } })).status).toBe(
			200,
		);
		const tenant = await p.newTenant();
		expect((await p.api(`/v1/tenants/${tenant.id}/plan`, { method: "PUT", token: ADMIN, json: { plan } })).status).toBe(200);
		const name = uniqueName("cf");
		const { deployment } = await deploy(tenant.token, name, hello("long"));
		expect(await (await p.visit(`${name}.localhost`)).text()).toBe("long");
		// The lower of the script's own limit and the request's applies (the stand-in, as Cloudflare).
		expect(p.namespace.calls.filter((c) => c.name === deployment.id).map((c) => c.effectiveLimits)).toEqual([
			{ cpuMs: 120_000, subRequests: 50 },
		]);
	});

	it("bounds vars as Cloudflare does: a 5 KiB var deploys there, one byte more and the 129th var are refused before any upload", async () => {
		const tenant = await p.newTenant();
		const name = uniqueName("cf");
		const atLimit = await deploy(tenant.token, name, "export default { fetch: (r, env) => new Response(String(env.BIG.length)) };", {
			vars: { BIG: "x".repeat(5 * 1024) },
		});
		expect(atLimit.status).toBe(200);
		expect(await (await p.visit(`${name}.localhost`)).text()).toBe("5120");
		const before = (await cloudflare.requests({ tag: `name-${name}` })).length;
		const tooBig = await p.deploy(tenant.token, name, hello("x"), { vars: { BIG: "é".repeat(2561) } });
		expect(tooBig.status).toBe(400);
		expect(((await tooBig.json()) as { error: unknown }).error).toEqual({
			code: "invalid_metadata",
			message: "var 'BIG' is 5122 bytes of UTF-8: a var is at most 5120 bytes (5 KiB)",
		});
		const many = Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`V${i}`, "1"]));
		const tooMany = await p.deploy(tenant.token, name, hello("x"), { vars: many });
		expect(tooMany.status).toBe(400);
		expect(((await tooMany.json()) as { error: { message: string } }).error.message).toBe(
			"129 vars: a Worker has at most 128 vars and secrets together",
		);
		expect(await cloudflare.requests({ tag: `name-${name}` })).toHaveLength(before);
	});
});

describe("a failure of the publisher itself", () => {
	/** The deployment as Built, its module bytes gone: the upload form cannot be built. */
	const withoutBytes = (built: BuiltDeployment): BuiltDeployment => ({ ...built, blobs: new Map() });

	it("is its own error, not a LoadError and not a TypeError from reading Cloudflare's answer that never came", async () => {
		const built = await builtDeployment(hello("x"));
		const error = await directPublisher(cloudflare)
			.load(withoutBytes(built))
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(Error);
		expect(error).not.toBeInstanceOf(LoadError);
		expect(error).not.toBeInstanceOf(TypeError);
		expect((error as Error).message).toBe("module index.js has no bytes");
		expect(await cloudflare.requests({ script: built.manifest.deploymentId })).toEqual([]);
	});

	it("ends the deployment in Error at the load stage with a message the tenant can read, the cause in the operator's log", async () => {
		const { tenant, name, scriptId } = await liveScript(hello("v1"));
		const db = openDatabase(env.DB);
		const publisher = directPublisher(cloudflare);
		const upload: Upload = {
			mainModule: "index.js",
			compatibilityDate: "2026-11-01",
			compatibilityFlags: [],
			vars: {},
			resources: [],
			secrets: {},
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
				publisher: { load: (built) => publisher.load(withoutBytes(built)), remove: (script, ids) => publisher.remove(script, ids) },
				routeControl: env.ROUTES as unknown as RouteControlApi,
				secretsKey: env.FERRY_SECRETS_KEY,
			},
			{ tenantId: tenant.id, scriptId, scriptName: name },
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
	const rateLimited = (retryAfter: string) =>
		cloudflareError(429, 971, "Please wait and consider throttling your request speed", { "retry-after": retryAfter });
	function publisher() {
		const waits: number[] = [];
		const instance = directPublisher(cloudflare, {
			sleep: async (ms) => {
				waits.push(ms);
			},
		});
		return { instance, waits };
	}

	it("waits exactly what Retry-After asks (seconds or an HTTP date) before trying again", async () => {
		const built = await builtDeployment(hello("x"));
		const { instance, waits } = publisher();
		const inTwoSeconds = new Date(Date.now() + 2_000).toUTCString();
		await cloudflare.fail({ method: "PUT", script: built.manifest.deploymentId, responses: [rateLimited("7"), rateLimited(inTwoSeconds)] });
		await instance.load(built);
		expect(waits[0]).toBe(7_000);
		expect(waits[1]).toBeGreaterThan(0);
		expect(waits[1]).toBeLessThanOrEqual(2_000);
		expect(await cloudflare.script(built.manifest.deploymentId)).not.toBeNull();
	});

	it("gives up at once when Cloudflare asks for longer than a deploy may wait, saying when to try again, blaming nothing of the tenant's", async () => {
		const built = await builtDeployment(hello("x"));
		const { instance, waits } = publisher();
		await cloudflare.fail({ method: "PUT", script: built.manifest.deploymentId, responses: [rateLimited("300")] });
		const error = await instance.load(built).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(PublishUnavailableError);
		expect((error as Error).message).toBe(
			"Cloudflare did not take the upload after 1 attempt (it is rate limiting or unavailable); nothing is wrong with the code: deploy again in 300 s",
		);
		expect(waits).toEqual([]);
	});

	it("backs off between 5xx answers and gives up after the last attempt", async () => {
		const built = await builtDeployment(hello("x"));
		const { instance, waits } = publisher();
		const unavailable = cloudflareError(503, 10013, "An unknown error has occurred");
		await cloudflare.fail({
			method: "PUT",
			script: built.manifest.deploymentId,
			responses: [unavailable, unavailable, unavailable, unavailable],
		});
		const error = await instance.load(built).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(PublishUnavailableError);
		expect((error as Error).message).toBe(
			"Cloudflare did not take the upload after 4 attempts (it is rate limiting or unavailable); nothing is wrong with the code: deploy again in a minute",
		);
		expect(((error as Error).cause as Error).message).toContain("An unknown error has occurred (code 10013)");
		expect(waits).toHaveLength(3);
		// Full jitter under a doubling ceiling: 0.5 s, 1 s, 2 s.
		for (const [i, ms] of waits.entries()) expect(ms).toBeLessThanOrEqual(500 * 2 ** i);
		expect((await cloudflare.requests({ script: built.manifest.deploymentId })).map((r) => r.status)).toEqual([503, 503, 503, 503]);
	});
});
