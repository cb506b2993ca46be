import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { app } from "../../workers/api/src/app";
import { activate, createDeployment, transition } from "../../workers/api/src/deploy/store";
import { ArtifactStore } from "../../workers/shared/artifacts";
import { openDatabase } from "../../workers/shared/db";
import { LoaderProbe, type LoadProbe } from "../../workers/shared/runtime/load-probe";
import { repoFile, repoText } from "./files";
import { ADMIN, api, deploy, hello, json, newTenant, uniqueName, uploadForm, visit } from "./platform";

const expectError = async (res: Response, status: number, code: string) => {
	expect(res.status).toBe(status);
	expect(res.headers.get("content-type")).toContain("application/json");
	const body = await json(res);
	expect(body.error.code).toBe(code);
	expect(body.error.message).toBeTypeOf("string");
	// Never the platform's internals: no platform source paths or stack frames.
	expect(JSON.stringify(body)).not.toMatch(/workers\/api|workers\/shared|dispatch\/src|node_modules|\.ts:\d+/);
	return body;
};

describe("auth", () => {
	it("refuses requests without a token, with an unknown token, and with the admin token", async () => {
		await expectError(await api("/v1/whoami"), 401, "unauthorized");
		await expectError(await api("/v1/whoami", { token: "ferry_nope" }), 401, "unauthorized");
		await expectError(await api("/v1/scripts", { token: ADMIN }), 401, "unauthorized");
	});

	it("keeps tenant creation to the operator", async () => {
		const t = await newTenant();
		const body = JSON.stringify({ name: uniqueName("x") });
		const headers = { "content-type": "application/json" };
		await expectError(await api("/v1/tenants", { method: "POST", body, headers }), 401, "unauthorized");
		await expectError(await api("/v1/tenants", { method: "POST", body, headers, token: t.token }), 403, "forbidden");
	});
});

describe("tenants and tokens", () => {
	it("creates a tenant with a first token that works", async () => {
		const t = await newTenant("acme");
		const res = await api("/v1/whoami", { token: t.token });
		expect(res.status).toBe(200);
		expect((await json(res)).tenant).toMatchObject({ id: t.id, name: t.name, plan: "free" });
	});

	it("refuses duplicate and invalid tenant names", async () => {
		const t = await newTenant();
		const create = (name: string) =>
			api("/v1/tenants", { method: "POST", token: ADMIN, headers: { "content-type": "application/json" }, body: JSON.stringify({ name }) });
		await expectError(await create(t.name), 409, "conflict");
		await expectError(await create("Not A Name"), 400, "invalid_request");
		await expectError(
			await api("/v1/tenants", { method: "POST", token: ADMIN, headers: { "content-type": "application/json" }, body: "{nope" }),
			400,
			"invalid_request",
		);
	});

	it("issues, lists and revokes tokens, storing only hashes", async () => {
		const t = await newTenant();
		const created = await api("/v1/tokens", {
			method: "POST",
			token: t.token,
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ name: "ci" }),
		});
		expect(created.status).toBe(201);
		const second = (await json(created)).token;
		expect(second.token).toMatch(/^ferry_/);
		expect((await api("/v1/whoami", { token: second.token })).status).toBe(200);

		const list = await json(await api("/v1/tokens", { token: t.token }));
		expect(list.tokens.map((k: { name: string }) => k.name)).toEqual(["default", "ci"]);
		expect(JSON.stringify(list)).not.toContain(second.token);
		const stored = await env.DB.prepare("SELECT token_hash FROM api_tokens WHERE id = ?").bind(second.id).first<{ token_hash: string }>();
		expect(stored?.token_hash).toMatch(/^[0-9a-f]{64}$/);

		expect((await api(`/v1/tokens/${second.id}`, { method: "DELETE", token: t.token })).status).toBe(200);
		await expectError(await api("/v1/whoami", { token: second.token }), 401, "unauthorized");
	});

	it("cannot revoke another tenant's token", async () => {
		const [a, b] = [await newTenant(), await newTenant()];
		const bTokens = await json(await api("/v1/tokens", { token: b.token }));
		await expectError(await api(`/v1/tokens/${bTokens.tokens[0].id}`, { method: "DELETE", token: a.token }), 404, "not_found");
		expect((await api("/v1/whoami", { token: b.token })).status).toBe(200);
	});
});

describe("deploy", () => {
	it("walks Queued → Built → Loaded → Deployed and answers with URLs", async () => {
		const t = await newTenant();
		const name = uniqueName();
		const res = await deploy(t.token, name, hello("v1"));
		expect(res.status).toBe(200);
		const body = await json(res);
		const d = body.deployment;
		expect(d.state).toBe("Deployed");
		expect(d.live).toBe(true);
		expect(d.events.map((e: { to: string }) => e.to)).toEqual(["Queued", "Built", "Loaded", "Deployed"]);
		expect(body.url).toBe(`http://${name}.localhost:8787/`);
		expect(body.preview_url).toBe(`http://${d.id}--${name}.localhost:8787/`);
		expect(d.artifact_sha256).toMatch(/^[0-9a-f]{64}$/);
		// The answer is the deployment as stored, events and times included.
		expect((await json(await api(`/v1/deployments/${d.id}`, { token: t.token }))).deployment).toEqual(d);
		const manifest = await env.ARTIFACTS.get(`manifests/${d.id}.json`);
		expect(await manifest?.json()).toMatchObject({ mainModule: "index.js", scriptName: name, tenantId: t.id });
	});

	it("stores the same bytes once", async () => {
		const t = await newTenant();
		const source = hello(`shared ${crypto.randomUUID()}`);
		const count = async () => (await env.ARTIFACTS.list({ prefix: "blobs/" })).objects.length;
		const first = await json(await deploy(t.token, uniqueName(), source));
		const before = await count();
		const second = await json(await deploy(t.token, uniqueName(), source));
		const third = await json(await deploy(t.token, uniqueName(), source));
		expect(await count()).toBe(before);
		expect(second.deployment.artifact_sha256).toBe(first.deployment.artifact_sha256);
		expect(third.deployment.artifact_sha256).toBe(first.deployment.artifact_sha256);
	});

	it("passes vars (from vars and plain_text bindings) and compatibility settings", async () => {
		const t = await newTenant();
		const name = uniqueName();
		const res = await deploy(t.token, name, "export default { fetch: (r, env) => Response.json(env) };", {
			vars: { GREETING: "hi" },
			bindings: [{ type: "plain_text", name: "MODE", text: "test" }],
			compatibility_flags: ["nodejs_compat"],
		});
		expect(res.status).toBe(200);
		expect(await (await visit(`${name}.localhost`)).json()).toEqual({ GREETING: "hi", MODE: "test" });
	});

	it("lists, shows and records history newest first", async () => {
		const t = await newTenant();
		const name = uniqueName();
		const first = (await json(await deploy(t.token, name, hello("one")))).deployment;
		const second = (await json(await deploy(t.token, name, hello("two")))).deployment;

		const scripts = await json(await api("/v1/scripts", { token: t.token }));
		const last = { id: second.id, state: "Deployed", created_at: second.created_at };
		expect(scripts.scripts).toEqual([expect.objectContaining({ name, live_deployment_id: second.id, last_deployment: last })]);
		const script = await json(await api(`/v1/scripts/${name}`, { token: t.token }));
		expect(script.script.live_deployment_id).toBe(second.id);
		expect(script.script.last_deployment).toEqual(last);

		const history = await json(await api(`/v1/scripts/${name}/deployments`, { token: t.token }));
		expect(history.deployments.map((d: { id: string }) => d.id)).toEqual([second.id, first.id]);
		expect(history.deployments.map((d: { live: boolean }) => d.live)).toEqual([true, false]);

		const one = await json(await api(`/v1/deployments/${first.id}`, { token: t.token }));
		expect(one.deployment).toMatchObject({ id: first.id, state: "Deployed", live: false });
		expect(one.deployment.events).toHaveLength(4);

		// A deploy that fails is the last deployment, not the live one.
		const failed = (await expectError(await deploy(t.token, name, "export default {{"), 422, "deployment_failed")).deployment;
		const after = await json(await api("/v1/scripts", { token: t.token }));
		expect(after.scripts).toEqual([
			expect.objectContaining({
				live_deployment_id: second.id,
				last_deployment: { id: failed.id, state: "Error", created_at: failed.created_at },
			}),
		]);
	});
});

describe("bad uploads", () => {
	const put = (token: string, name: string, body: BodyInit, headers: Record<string, string> = {}) =>
		api(`/v1/scripts/${name}`, { method: "PUT", token, body, headers });

	it("refuses invalid and reserved script names", async () => {
		const t = await newTenant();
		for (const name of ["Upper", "-dash", "a_b", "api", "www", "admin", "dash", "x".repeat(64)])
			await expectError(await deploy(t.token, name, hello("x")), 400, "invalid_script_name");
	});

	it("refuses bodies that are not multipart, malformed multipart, and missing parts", async () => {
		const t = await newTenant();
		const name = uniqueName();
		await expectError(await put(t.token, name, "{}", { "content-type": "application/json" }), 415, "unsupported_media_type");
		await expectError(
			await put(t.token, name, "garbage", { "content-type": "multipart/form-data; boundary=xyz" }),
			400,
			"invalid_multipart",
		);
		const noMetadata = new FormData();
		noMetadata.set("index.js", new File([hello("x")], "index.js", { type: "application/javascript+module" }));
		await expectError(await put(t.token, name, noMetadata), 400, "invalid_multipart");
		const badJson = new FormData();
		badJson.set("metadata", "{not json");
		await expectError(await put(t.token, name, badJson), 400, "invalid_metadata");
		await expectError(await put(t.token, name, uploadForm([{ name: "index.js", content: hello("x") }], {})), 400, "invalid_metadata");
		await expectError(
			await put(
				t.token,
				name,
				uploadForm([{ name: "index.js", content: hello("x") }], { main_module: "index.js", compatibility_date: "yesterday" }),
			),
			400,
			"invalid_metadata",
		);
		await expectError(
			await put(
				t.token,
				name,
				uploadForm([{ name: "index.js", content: hello("x") }], {
					main_module: "index.js",
					bindings: [{ type: "queue", name: "Q", queue_name: "q" }],
				}),
			),
			400,
			"unsupported_config",
		);
		// Nothing was created for any of these.
		await expectError(await api(`/v1/scripts/${name}`, { token: t.token }), 404, "not_found");
	});

	it("refuses an upload whose body breaks off mid-stream with 400, creating and changing nothing", async () => {
		const t = await newTenant();
		const name = uniqueName();
		const live = (await json(await deploy(t.token, name, hello("still live")))).deployment;
		const routesFor = (script: string) =>
			env.DB.prepare("SELECT * FROM routes WHERE script_name = ?")
				.bind(script)
				.all()
				.then((r) => r.results);
		const routesBefore = await routesFor(name);
		expect(routesBefore.map((r) => r.kind).sort()).toEqual(["live", "preview"]);

		// A well-formed upload whose stream errors after its first 100 bytes, as when the connection drops.
		const serialized = new Request("http://x/", {
			method: "PUT",
			body: uploadForm([{ name: "index.js", content: hello("never") }], { main_module: "index.js" }),
		});
		const contentType = serialized.headers.get("content-type")!;
		const whole = new Uint8Array(await serialized.arrayBuffer());
		const cutOff = async (script: string) => {
			let sent = false;
			const body = new ReadableStream<Uint8Array>({
				pull(controller) {
					if (sent) return controller.error(new Error("connection lost"));
					sent = true;
					controller.enqueue(whole.slice(0, 100));
				},
			});
			const headers = { authorization: `Bearer ${t.token}`, "content-type": contentType };
			const request = new Request(`http://api.localhost:8787/v1/scripts/${script}`, { method: "PUT", headers, body });
			// The API's handler in this isolate, so that the stream's error reaches its reader (a fetch to another
			// Worker, exports.default.fetch, ends the body quietly instead: workerd delivers it empty).
			return app.fetch(request, env, createExecutionContext());
		};
		const refused = await expectError(await cutOff(name), 400, "invalid_multipart");
		expect(refused.error.message).toMatch(/^the upload was incomplete/);

		const history = await json(await api(`/v1/scripts/${name}/deployments`, { token: t.token }));
		expect(history.deployments.map((d: { id: string }) => d.id)).toEqual([live.id]);
		expect(await routesFor(name)).toEqual(routesBefore);
		expect(await (await visit(`${name}.localhost`)).text()).toBe("still live");

		// For a new name, not even the script is created.
		const fresh = uniqueName();
		await expectError(await cutOff(fresh), 400, "invalid_multipart");
		await expectError(await api(`/v1/scripts/${fresh}`, { token: t.token }), 404, "not_found");
		expect(await routesFor(fresh)).toEqual([]);
	});

	it("refuses uploads over the size limit", async () => {
		const t = await newTenant();
		const big = `export default { fetch: () => new Response("${"x".repeat(11 * 1024 * 1024)}") };`;
		await expectError(await deploy(t.token, uniqueName(), big), 413, "payload_too_large");
	});

	it.each([
		["a main module that is not uploaded", [{ name: "index.js", content: hello("x") }], { main_module: "other.js" }, "build"],
		[
			"invalid JSON in a json module",
			[
				{ name: "index.js", content: hello("x") },
				{ name: "c.json", content: "{", type: "application/json" },
			],
			{},
			"build",
		],
		["a main module that is not valid JavaScript", [{ name: "index.js", content: "export default {{{" }], {}, "load"],
		[
			"a main module whose top level throws",
			[{ name: "index.js", content: "throw new Error('boom at startup');\nexport default {};" }],
			{},
			"load",
		],
		["a main module without a fetch handler", [{ name: "index.js", content: "export default { hello: 1 };" }], {}, "load"],
	] as const)("ends %s in Error and keeps the live deployment serving", async (_, modules, metadata, stage) => {
		const t = await newTenant();
		const name = uniqueName();
		const live = (await json(await deploy(t.token, name, hello("still live")))).deployment;
		const body = await expectError(await deploy(t.token, name, [...modules], metadata), 422, "deployment_failed");
		expect(body.deployment.state).toBe("Error");
		expect(body.deployment.error.stage).toBe(stage);
		expect(body.deployment.error.message.length).toBeGreaterThan(10);
		expect(body.deployment.events.at(-1)).toMatchObject({ to: "Error" });
		expect(await (await visit(`${name}.localhost`)).text()).toBe("still live");
		const script = await json(await api(`/v1/scripts/${name}`, { token: t.token }));
		expect(script.script.live_deployment_id).toBe(live.id);
	});

	it("refuses a module name with NUL before anything is stored", async () => {
		const t = await newTenant();
		const res = await deploy(t.token, uniqueName(), [{ name: "a\0b.js", content: hello("x") }]);
		expect(res.status).toBe(400);
	});
});

describe("module names", () => {
	const EXAMPLE = "examples/worker-wasm/src";

	it("takes a leading ./ as the same module, in part names and main_module (wrangler's ./<hash>-x.wasm)", async () => {
		const t = await newTenant();
		const name = uniqueName();
		const res = await deploy(
			t.token,
			name,
			[
				{ name: "./worker.js", content: repoText(`${EXAMPLE}/worker.js`) },
				{ name: "greet.js", content: repoText(`${EXAMPLE}/greet.js`) },
				{ name: "./greet.wasm", content: repoFile(`${EXAMPLE}/greet.wasm`), type: "application/wasm" },
			],
			{ main_module: "./worker.js" },
		);
		expect(res.status).toBe(200);
		expect(await (await visit(`${name}.localhost`, "/?name=Ada")).text()).toBe("Hello, Ada, from WebAssembly!\n");
		// Stored under the normalized names: worker.js imports "./greet.wasm", which is greet.wasm.
		const { deployment } = await json(res);
		const manifest = await new ArtifactStore(env.ARTIFACTS).getManifest(deployment.id);
		expect(manifest.mainModule).toBe("worker.js");
		expect(manifest.modules.map((m) => m.name).sort()).toEqual(["greet.js", "greet.wasm", "worker.js"]);
	});

	it("refuses two parts that name the same module once ./ is dropped", async () => {
		const t = await newTenant();
		const name = uniqueName();
		const body = await expectError(
			await deploy(
				t.token,
				name,
				[
					{ name: "./a.js", content: hello("one") },
					{ name: "a.js", content: hello("two") },
				],
				{ main_module: "a.js" },
			),
			400,
			"invalid_multipart",
		);
		expect(body.error.message).toContain("'./a.js' and 'a.js'");
		await expectError(await api(`/v1/scripts/${name}`, { token: t.token }), 404, "not_found");
	});

	it.each(["../a.js", "./../a.js", "a/../b.js", "/a.js", "a/./b.js", "a//b.js", "a\\b.js"])(
		"refuses a module named %j with 400 before anything is stored",
		async (module) => {
			const t = await newTenant();
			const name = uniqueName();
			const live = (await json(await deploy(t.token, name, hello("still live")))).deployment;
			await expectError(
				await deploy(t.token, name, [{ name: module, content: hello("x") }], { main_module: module }),
				400,
				"invalid_multipart",
			);
			const history = await json(await api(`/v1/scripts/${name}/deployments`, { token: t.token }));
			expect(history.deployments.map((d: { id: string }) => d.id)).toEqual([live.id]);
			expect(await (await visit(`${name}.localhost`)).text()).toBe("still live");
		},
	);

	it("names the tenant's own error in a failed load, on one line", async () => {
		const t = await newTenant();
		const body = await json(await deploy(t.token, uniqueName(), "throw new Error('boom at startup');\nexport default {};"));
		expect(body.deployment.error.message).toMatch(/^the code did not start: Uncaught Error: boom at startup at index\.js:1:\d+$/);
	});
});

describe("rollback", () => {
	it("goes back to the previous Deployed deployment without a rebuild, or to a chosen one", async () => {
		const t = await newTenant();
		const name = uniqueName();
		const v1 = (await json(await deploy(t.token, name, hello("v1")))).deployment;
		const v2 = (await json(await deploy(t.token, name, hello("v2")))).deployment;
		await deploy(t.token, name, "export default {{"); // an Error deployment in between
		const v3 = (await json(await deploy(t.token, name, hello("v3")))).deployment;
		expect(await (await visit(`${name}.localhost`)).text()).toBe("v3");

		const back = await json(await api(`/v1/scripts/${name}/rollback`, { method: "POST", token: t.token }));
		expect(back.deployment.id).toBe(v2.id);
		expect(back.previous_deployment_id).toBe(v3.id);
		expect(await (await visit(`${name}.localhost`)).text()).toBe("v2");

		const chosen = await api(`/v1/scripts/${name}/rollback`, {
			method: "POST",
			token: t.token,
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ deployment_id: v1.id }),
		});
		expect((await json(chosen)).deployment.id).toBe(v1.id);
		expect(await (await visit(`${name}.localhost`)).text()).toBe("v1");
		// No new deployment was made.
		const history = await json(await api(`/v1/scripts/${name}/deployments`, { token: t.token }));
		expect(history.deployments).toHaveLength(4);
	});

	it("refuses a rollback with nothing to go back to, or to a failed deployment", async () => {
		const t = await newTenant();
		const name = uniqueName();
		await deploy(t.token, name, hello("only"));
		await expectError(await api(`/v1/scripts/${name}/rollback`, { method: "POST", token: t.token }), 409, "no_previous_deployment");
		const failed = (await json(await deploy(t.token, name, "export default {{"))).deployment;
		await expectError(
			await api(`/v1/scripts/${name}/rollback`, {
				method: "POST",
				token: t.token,
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ deployment_id: failed.id }),
			}),
			409,
			"conflict",
		);
	});
});

describe("delete", () => {
	it("removes routes, marks deployments Deleted and frees the name", async () => {
		const t = await newTenant();
		const name = uniqueName();
		const d = (await json(await deploy(t.token, name, hello("bye")))).deployment;
		expect((await visit(`${name}.localhost`)).status).toBe(200);

		const res = await api(`/v1/scripts/${name}`, { method: "DELETE", token: t.token });
		expect(res.status).toBe(200);
		expect((await visit(`${name}.localhost`)).status).toBe(404);
		expect((await visit(`${d.id}--${name}.localhost`)).status).toBe(404);
		await expectError(await api(`/v1/scripts/${name}`, { token: t.token }), 404, "not_found");
		const after = await json(await api(`/v1/deployments/${d.id}`, { token: t.token }));
		expect(after.deployment.state).toBe("Deleted");
		expect(after.deployment.events.at(-1)).toMatchObject({ from: "Deployed", to: "Deleted" });

		const other = await newTenant();
		expect((await deploy(other.token, name, hello("new owner"))).status).toBe(200);
		expect(await (await visit(`${name}.localhost`)).text()).toBe("new owner");
	});

	it("takes a deployment still in flight to Deleted, after which its pipeline can neither move it nor write a route", async () => {
		const t = await newTenant();
		const name = uniqueName();
		const { deployment } = await json(await deploy(t.token, name, hello("v1")));
		const scriptId = (await env.DB.prepare("SELECT script_id FROM deployments WHERE id = ?")
			.bind(deployment.id)
			.first<{ script_id: string }>())!.script_id;
		// A second deploy's row, as its pipeline left it between two stages.
		const now = Date.now();
		await env.DB.prepare(
			"INSERT INTO deployments (id, script_id, tenant_id, state, artifact_sha256, size_bytes, created_at, updated_at) VALUES ('flight0000', ?, ?, 'Built', ?, 1, ?, ?)",
		)
			.bind(scriptId, t.id, deployment.artifact_sha256, now, now)
			.run();
		expect((await api(`/v1/scripts/${name}`, { method: "DELETE", token: t.token })).status).toBe(200);
		const db = openDatabase(env.DB);
		expect(await transition(db, "flight0000", "Built", "Loaded")).toBe(false);
		expect(await activate(db, { id: "flight0000", scriptId, scriptName: name, secrets: { version: 0, sealed: {} } })).toBe(false);
		expect((await json(await api("/v1/deployments/flight0000", { token: t.token }))).deployment.state).toBe("Deleted");
		expect((await env.DB.prepare("SELECT label FROM routes WHERE script_id = ?").bind(scriptId).all()).results).toEqual([]);
	});

	it("refuses a deployment of a script deleted while its upload arrived", async () => {
		const t = await newTenant();
		const name = uniqueName();
		const { deployment } = await json(await deploy(t.token, name, hello("soon gone")));
		const scriptId = (await env.DB.prepare("SELECT script_id FROM deployments WHERE id = ?")
			.bind(deployment.id)
			.first<{ script_id: string }>())!.script_id;
		expect((await api(`/v1/scripts/${name}`, { method: "DELETE", token: t.token })).status).toBe(200);
		// The pipeline's first write, as it would run for an upload that began before the delete.
		const late = { id: "late000000", scriptId, tenantId: t.id, artifactSha256: deployment.artifact_sha256, sizeBytes: 1 };
		await expect(createDeployment(openDatabase(env.DB), late)).rejects.toMatchObject({ code: "conflict" });
		expect(await env.DB.prepare("SELECT id FROM deployments WHERE id = 'late000000'").first()).toBeNull();
	});

	it("answers 409 conflict to a deploy whose script was deleted while the runtime loaded its code", async () => {
		const t = await newTenant();
		const name = uniqueName();
		expect((await deploy(t.token, name, hello("v1"))).status).toBe(200);
		// The Loaded probe waits (as one in the local probe process takes its time) until the delete is done.
		let probing!: () => void;
		const probeStarted = new Promise<void>((resolve) => (probing = resolve));
		let release!: () => void;
		const released = new Promise<void>((resolve) => (release = resolve));
		const probe: LoadProbe = {
			async probe(code) {
				probing();
				await released;
				return new LoaderProbe(env.LOADER).probe(code);
			},
		};
		const body = uploadForm([{ name: "index.js", content: hello("v2") }], { main_module: "index.js", compatibility_date: "2026-11-01" });
		const deploying = app.fetch(
			new Request(`http://api.localhost:8787/v1/scripts/${name}`, { method: "PUT", headers: { authorization: `Bearer ${t.token}` }, body }),
			{ ...env, PROBE: probe as unknown as ApiEnv["PROBE"] },
			createExecutionContext(),
		);
		await probeStarted;
		expect((await api(`/v1/scripts/${name}`, { method: "DELETE", token: t.token })).status).toBe(200);
		release();
		const answer = await expectError(await deploying, 409, "conflict");
		expect(answer.error.message).toMatch(/was deleted while this deployment was in progress/);
		expect(answer.deployment.state).toBe("Deleted");
	});
});

describe("tenant isolation", () => {
	it("answers another tenant's things exactly like missing ones", async () => {
		const [owner, intruder] = [await newTenant(), await newTenant()];
		const name = uniqueName();
		const d = (await json(await deploy(owner.token, name, hello("mine")))).deployment;
		const missing = uniqueName();
		const pairs: [string, string, RequestInit?][] = [
			[`/v1/scripts/${name}`, `/v1/scripts/${missing}`],
			[`/v1/scripts/${name}/deployments`, `/v1/scripts/${missing}/deployments`],
			[`/v1/deployments/${d.id}`, "/v1/deployments/zzzzzzzzzz"],
			[`/v1/scripts/${name}/rollback`, `/v1/scripts/${missing}/rollback`, { method: "POST" }],
			[`/v1/scripts/${name}`, `/v1/scripts/${missing}`, { method: "DELETE" }],
		];
		for (const [theirs, absent, init] of pairs) {
			const a = await api(theirs, { ...init, token: intruder.token });
			const b = await api(absent, { ...init, token: intruder.token });
			expect(a.status).toBe(404);
			expect(b.status).toBe(404);
			expect((await json(a)).error.message.replace(name, "X").replace(d.id, "X")).toBe(
				(await json(b)).error.message.replace(missing, "X").replace("zzzzzzzzzz", "X"),
			);
		}
		const listed = await json(await api("/v1/scripts", { token: intruder.token }));
		expect(listed.scripts).toEqual([]);
		// Taking the name fails and leaves the owner's script serving.
		await expectError(await deploy(intruder.token, name, hello("theirs")), 409, "name_taken");
		expect(await (await visit(`${name}.localhost`)).text()).toBe("mine");
	});
});

describe("a name whose script never served", () => {
	/** A deployment of `name`'s script written by hand, as a deploy in progress (or interrupted) leaves it. */
	async function inProgress(name: string, tenantId: string, updatedAt: number) {
		const { id: scriptId } = (await env.DB.prepare("SELECT id FROM scripts WHERE name = ? AND deleted_at IS NULL")
			.bind(name)
			.first<{ id: string }>())!;
		const id = `prog${Math.random().toString(36).slice(2, 8)}`;
		await env.DB.prepare(
			"INSERT INTO deployments (id, script_id, tenant_id, state, artifact_sha256, size_bytes, created_at, updated_at) VALUES (?, ?, ?, 'Built', ?, 1, ?, ?)",
		)
			.bind(id, scriptId, tenantId, "0".repeat(64), updatedAt, updatedAt)
			.run();
		return id;
	}

	it("is released to another tenant once its first deploy failed; the first tenant's history stays its own", async () => {
		const [first, second] = [await newTenant(), await newTenant()];
		const name = uniqueName();
		const failed = await expectError(await deploy(first.token, name, "export default {{"), 422, "deployment_failed");

		const claimed = await deploy(second.token, name, hello("second's"));
		expect(claimed.status).toBe(200);
		const mine = (await json(claimed)).deployment;
		expect(await (await visit(`${name}.localhost`)).text()).toBe("second's");

		// The second tenant sees its own script and deployment only.
		const history = await json(await api(`/v1/scripts/${name}/deployments`, { token: second.token }));
		expect(history.deployments.map((d: { id: string }) => d.id)).toEqual([mine.id]);
		await expectError(await api(`/v1/deployments/${failed.deployment.id}`, { token: second.token }), 404, "not_found");

		// The first tenant's script is gone; its failed deployment is its own to read, Deleted, saying why.
		await expectError(await api(`/v1/scripts/${name}`, { token: first.token }), 404, "not_found");
		const released = (await json(await api(`/v1/deployments/${failed.deployment.id}`, { token: first.token }))).deployment;
		expect(released.state).toBe("Deleted");
		expect(released.events.at(-1)).toMatchObject({ from: "Error", to: "Deleted", message: expect.stringContaining("released") });
		// The name is the second tenant's now, like any name that served.
		await expectError(await deploy(first.token, name, hello("first's again")), 409, "name_taken");
	});

	it("stays taken while a deployment of it is in progress, and is released once that one is long interrupted", async () => {
		const [first, second] = [await newTenant(), await newTenant()];
		const name = uniqueName();
		await deploy(first.token, name, "export default {{");
		const running = await inProgress(name, first.id, Date.now());
		await expectError(await deploy(second.token, name, hello("x")), 409, "name_taken");

		await env.DB.prepare("UPDATE deployments SET updated_at = ? WHERE id = ?")
			.bind(Date.now() - 3_600_000, running)
			.run();
		expect((await deploy(second.token, name, hello("after"))).status).toBe(200);
		expect((await json(await api(`/v1/deployments/${running}`, { token: first.token }))).deployment.state).toBe("Deleted");
	});

	it("is never released once a deployment of it reached Deployed, even if later ones failed", async () => {
		const [first, second] = [await newTenant(), await newTenant()];
		const name = uniqueName();
		await deploy(first.token, name, hello("served"));
		await deploy(first.token, name, "export default {{");
		await expectError(await deploy(second.token, name, hello("x")), 409, "name_taken");
		expect(await (await visit(`${name}.localhost`)).text()).toBe("served");
	});
});

describe("the API surface", () => {
	it("answers unknown routes with a JSON 404", async () => {
		await expectError(await api("/v1/nope"), 404, "not_found");
	});

	it("answers its own failure with internal_error naming the request id its log line has, and nothing else", async () => {
		// D1 failing at its binding's boundary: every statement rejects, as when D1 is unreachable.
		const lost = () => Promise.reject(new Error("D1_ERROR: network connection lost"));
		const statement = { bind: () => statement, all: lost, raw: lost, first: lost, run: lost };
		const unreachable = { prepare: () => statement, batch: lost } as unknown as D1Database;
		const logged = vi.spyOn(console, "error").mockImplementation(() => {});
		try {
			const call = (headers: Record<string, string>) =>
				app.fetch(
					new Request("http://api.localhost:8787/v1/whoami", { headers: { authorization: "Bearer ferry_x", ...headers } }),
					{ ...env, DB: unreachable },
					createExecutionContext(),
				);
			const lines = () => logged.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);

			const withRay = await expectError(await call({ "cf-ray": "ray-api-failure" }), 500, "internal_error");
			expect(withRay.error.message).toBe("internal error; the platform logged it as ray-api-failure");
			expect(lines().at(-1)).toMatchObject({
				message: "unhandled API error",
				requestId: "ray-api-failure",
				path: "/v1/whoami",
				// drizzle's error, with D1's as its cause: the logger writes both.
				error: { message: expect.stringContaining("Failed query"), cause: { message: "D1_ERROR: network connection lost" } },
			});

			// Without a ray id (locally) the id is the dispatcher's kind: 16 characters of a-z0-9.
			const withoutRay = await expectError(await call({}), 500, "internal_error");
			const requestId = withoutRay.error.message.match(/logged it as ([a-z0-9]{16})$/)?.[1];
			expect(requestId).toBeDefined();
			expect(lines().at(-1)).toMatchObject({ message: "unhandled API error", requestId });
			expect(JSON.stringify(withoutRay)).not.toContain("D1_ERROR");
		} finally {
			logged.mockRestore();
		}
	});
});

describe("interrupted deployments", () => {
	it("are marked Error (never left in progress) when the script is deployed again", async () => {
		const t = await newTenant();
		const name = uniqueName();
		const first = (await json(await deploy(t.token, name, hello("v1")))).deployment;
		// As if the runtime restarted mid-deploy an hour ago: a row stuck in Built.
		const scriptId = (await env.DB.prepare("SELECT script_id FROM deployments WHERE id = ?").bind(first.id).first<{ script_id: string }>())!
			.script_id;
		const old = Date.now() - 3_600_000;
		await env.DB.prepare(
			"INSERT INTO deployments (id, script_id, tenant_id, state, artifact_sha256, size_bytes, created_at, updated_at) VALUES ('stuck00000', ?, ?, 'Built', ?, 1, ?, ?)",
		)
			.bind(scriptId, t.id, first.artifact_sha256, old, old)
			.run();

		expect((await deploy(t.token, name, hello("v2"))).status).toBe(200);
		const stuck = await json(await api("/v1/deployments/stuck00000", { token: t.token }));
		expect(stuck.deployment.state).toBe("Error");
		expect(stuck.deployment.error).toMatchObject({ stage: "load", message: expect.stringContaining("interrupted") });
	});
});
