/**
 * Secrets (docs/secrets.md): set by name, never answered, sealed at rest, in `env` as strings, a
 * change as a new deployment of the live code, other tenants and scripts kept out, bad input refused,
 * and a change during a deploy of the same script losing neither.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { deployContext, runDeployment } from "../../workers/api/src/deploy/pipeline";
import { claimScript } from "../../workers/api/src/deploy/store";
import { openDatabase } from "../../workers/shared/db";
import type { DeploymentState } from "../../workers/shared/deployments/states";
import { openSecret, sealSecret } from "../../workers/shared/secrets/crypto";
import { api, deploy, json, newTenant, uniqueName, visit } from "./platform";

/** A Worker that answers with its env as JSON: what it can see. */
const envEcho = (tag: string) =>
	`export default { fetch(request, env) { return Response.json({ tag: ${JSON.stringify(tag)}, env: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, typeof v === "string" ? v : { type: typeof v, value: v }])) }); } };`;

const putSecret = (token: string, script: string, name: string, text: string) =>
	api(`/v1/scripts/${script}/secrets`, {
		method: "PUT",
		token,
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ name, text }),
	});

const expectError = async (res: Response, status: number, code: string) => {
	const body = await json(res);
	expect({ status: res.status, code: body.error?.code }).toEqual({ status, code });
	expect(body.error.message).toBeTypeOf("string");
	return body;
};

const seen = async (script: string) => (await json(await visit(`${script}.localhost`))).env;

/** A value nobody else uses, to look for in raw storage. */
const uniqueValue = () => `sk_live_${crypto.randomUUID().replace(/-/g, "")}`;

describe("secrets", () => {
	it("sets a secret by name, never answers its value, and the live script sees it in env as a string", async () => {
		const t = await newTenant();
		const name = uniqueName("sec");
		const first = await json(await deploy(t.token, name, envEcho("v1"), { vars: { GREETING: "hi" } }));
		const value = uniqueValue();
		const res = await putSecret(t.token, name, "API_KEY", value);
		expect(res.status).toBe(200);
		const text = await res.text();
		expect(text).not.toContain(value);
		const answer = JSON.parse(text);
		expect(answer.secrets).toEqual([{ name: "API_KEY", type: "secret_text", updated_at: expect.any(String) }]);
		// A new deployment: the live one's code (same artifact, not rebuilt), live now, its history saying why.
		expect(answer.deployment).toMatchObject({ state: "Deployed", live: true, artifact_sha256: first.deployment.artifact_sha256 });
		expect(answer.deployment.id).not.toBe(first.deployment.id);
		expect(answer.deployment.events[0].message).toContain("secrets changed (set API_KEY)");
		expect(await seen(name)).toEqual({ GREETING: "hi", API_KEY: value });

		const list = await api(`/v1/scripts/${name}/secrets`, { token: t.token });
		expect(await json(list)).toEqual({ secrets: [{ name: "API_KEY", type: "secret_text", updated_at: expect.any(String) }] });

		const history = await json(await api(`/v1/scripts/${name}/deployments`, { token: t.token }));
		expect(history.deployments.map((d: { id: string }) => d.id)).toEqual([answer.deployment.id, first.deployment.id]);

		const deleted = await json(await api(`/v1/scripts/${name}/secrets/API_KEY`, { method: "DELETE", token: t.token }));
		expect(deleted.secrets).toEqual([]);
		expect(deleted.deployment.events[0].message).toContain("deleted API_KEY");
		expect(await seen(name)).toEqual({ GREETING: "hi" });
	});

	it("keeps secrets across deploys, and a bulk change is one deployment", async () => {
		const t = await newTenant();
		const name = uniqueName("sec");
		await deploy(t.token, name, envEcho("v1"));
		const bulk = await api(`/v1/scripts/${name}/secrets`, {
			method: "PATCH",
			token: t.token,
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ secrets: { A: "1", B: "2" } }),
		});
		const changed = await json(bulk);
		expect(bulk.status).toBe(200);
		expect(changed.secrets.map((s: { name: string }) => s.name)).toEqual(["A", "B"]);
		const again = await json(
			await api(`/v1/scripts/${name}/secrets`, {
				method: "PATCH",
				token: t.token,
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ secrets: { A: null, C: "3" } }),
			}),
		);
		expect(again.deployment.events[0].message).toContain("set C; deleted A");
		// A new upload keeps the script's secrets (wrangler's keep_bindings: secret_text).
		await deploy(t.token, name, envEcho("v2"));
		const body = await json(await visit(`${name}.localhost`));
		expect(body).toEqual({ tag: "v2", env: { B: "2", C: "3" } });
	});

	it("stores a script's secrets before its first deployment, and the first deployment gets them", async () => {
		const t = await newTenant();
		const name = uniqueName("sec");
		// A deployment that fails leaves a script with no live deployment.
		const failed = await deploy(t.token, name, "export default {");
		expect(failed.status).toBe(422);
		const res = await json(await putSecret(t.token, name, "TOKEN", "early"));
		expect(res.deployment).toBeNull();
		await deploy(t.token, name, envEcho("v1"));
		expect(await seen(name)).toEqual({ TOKEN: "early" });
	});

	it("takes secret_text bindings in an upload's metadata, as wrangler sends them", async () => {
		const t = await newTenant();
		const name = uniqueName("sec");
		const res = await deploy(t.token, name, envEcho("v1"), {
			bindings: [
				{ type: "plain_text", name: "MODE", text: "prod" },
				{ type: "secret_text", name: "DB_PASSWORD", text: "hunter2" },
			],
		});
		expect(res.status).toBe(200);
		expect(await seen(name)).toEqual({ MODE: "prod", DB_PASSWORD: "hunter2" });
		const list = await json(await api(`/v1/scripts/${name}/secrets`, { token: t.token }));
		expect(list.secrets.map((s: { name: string }) => s.name)).toEqual(["DB_PASSWORD"]);
	});

	it("never holds a value in clear: D1 and R2 read raw, and a sealed value opens only for its own script and name", async () => {
		const t = await newTenant();
		const name = uniqueName("sec");
		const value = uniqueValue();
		const inUpload = uniqueValue();
		await deploy(t.token, name, envEcho("v1"), { bindings: [{ type: "secret_text", name: "FROM_UPLOAD", text: inUpload }] });
		await putSecret(t.token, name, "API_KEY", value);
		expect((await seen(name)).API_KEY).toBe(value);

		// Every row of every table, as text.
		const tables = await env.DB.prepare(
			"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
		).all<{
			name: string;
		}>();
		let rows = 0;
		for (const { name: table } of tables.results) {
			const { results } = await env.DB.prepare(`SELECT * FROM "${table}"`).all();
			rows += results.length;
			const dump = JSON.stringify(results);
			expect(dump).not.toContain(value);
			expect(dump).not.toContain(inUpload);
		}
		expect(rows).toBeGreaterThan(0);
		// Every object in R2 (manifests, modules, asset manifests), as text.
		let objects = 0;
		let cursor: string | undefined;
		do {
			const page = await env.ARTIFACTS.list({ ...(cursor ? { cursor } : {}) });
			for (const object of page.objects) {
				const text = await (await env.ARTIFACTS.get(object.key))!.text();
				objects++;
				expect(text).not.toContain(value);
				expect(text).not.toContain(inUpload);
			}
			cursor = page.truncated ? page.cursor : undefined;
		} while (cursor);
		expect(objects).toBeGreaterThan(0);

		// The raw row: v1.<iv>.<ciphertext>, bound to its script and name.
		const row = await env.DB.prepare(
			"SELECT s.script_id AS scriptId, s.ciphertext FROM secrets s JOIN scripts c ON c.id = s.script_id WHERE c.name = ? AND s.name = 'API_KEY'",
		)
			.bind(name)
			.first<{ scriptId: string; ciphertext: string }>();
		expect(row!.ciphertext).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
		expect(await openSecret(env.FERRY_SECRETS_KEY, row!.scriptId, "API_KEY", row!.ciphertext)).toBe(value);
		await expect(openSecret(env.FERRY_SECRETS_KEY, "another-script", "API_KEY", row!.ciphertext)).rejects.toThrow();
		await expect(openSecret(env.FERRY_SECRETS_KEY, row!.scriptId, "OTHER_NAME", row!.ciphertext)).rejects.toThrow();
		// Sealed twice, never the same ciphertext (a fresh IV each time).
		expect(await sealSecret(env.FERRY_SECRETS_KEY, "s", "N", "v")).not.toBe(await sealSecret(env.FERRY_SECRETS_KEY, "s", "N", "v"));
	});

	it("answers another tenant exactly as for a script that does not exist, and a script sees only its own secrets", async () => {
		const owner = await newTenant();
		const other = await newTenant();
		const name = uniqueName("sec");
		const sibling = uniqueName("sib");
		await deploy(owner.token, name, envEcho("v1"));
		await deploy(owner.token, sibling, envEcho("v1"));
		await putSecret(owner.token, name, "API_KEY", "mine");
		const missing = uniqueName("nope");
		for (const [script, expected] of [
			[name, 404],
			[missing, 404],
		] as const) {
			const list = await expectError(await api(`/v1/scripts/${script}/secrets`, { token: other.token }), expected, "not_found");
			expect(list.error.message).toBe(`script '${script}' not found`);
			await expectError(await putSecret(other.token, script, "API_KEY", "theirs"), expected, "not_found");
			await expectError(
				await api(`/v1/scripts/${script}/secrets/API_KEY`, { method: "DELETE", token: other.token }),
				expected,
				"not_found",
			);
		}
		expect(await seen(name)).toEqual({ API_KEY: "mine" });
		expect(await seen(sibling)).toEqual({});
	});

	it("refuses bad names, a var's name, values over 5 KiB, too many, a missing secret, and an upload mixing a var and a secret", async () => {
		const t = await newTenant();
		const name = uniqueName("sec");
		await deploy(t.token, name, envEcho("v1"), { vars: { MODE: "prod" } });
		for (const bad of ["1ABC", "has-dash", "", "a b"])
			expect((await expectError(await putSecret(t.token, name, bad, "x"), 400, "invalid_secret")).error.message).toContain(
				"not an identifier",
			);
		const clash = await expectError(await putSecret(t.token, name, "MODE", "x"), 400, "invalid_secret");
		expect(clash.error.message).toContain("'MODE' is a var");
		const big = await expectError(await putSecret(t.token, name, "BIG", "x".repeat(5 * 1024 + 1)), 400, "invalid_secret");
		expect(big.error.message).toContain("at most 5120 bytes");
		expect((await putSecret(t.token, name, "JUST_FITS", "é".repeat(2560))).status).toBe(200);
		const many = Object.fromEntries(Array.from({ length: 128 }, (_, i) => [`S${i}`, "x"]));
		const tooMany = await api(`/v1/scripts/${name}/secrets`, {
			method: "PATCH",
			token: t.token,
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ secrets: many }),
		});
		expect((await expectError(tooMany, 400, "invalid_secret")).error.message).toContain("at most 128 vars and secrets together");
		await expectError(await api(`/v1/scripts/${name}/secrets/NOPE`, { method: "DELETE", token: t.token }), 404, "not_found");
		await expectError(
			await api(`/v1/scripts/${name}/secrets`, {
				method: "PUT",
				token: t.token,
				headers: { "content-type": "application/json" },
				body: "{}",
			}),
			400,
			"invalid_request",
		);
		// None of it changed anything.
		expect((await json(await api(`/v1/scripts/${name}/secrets`, { token: t.token }))).secrets.map((s: { name: string }) => s.name)).toEqual(
			["JUST_FITS"],
		);

		const mixed = await deploy(t.token, uniqueName("mix"), envEcho("v1"), {
			bindings: [
				{ type: "plain_text", name: "KEY", text: "a" },
				{ type: "secret_text", name: "KEY", text: "b" },
			],
		});
		expect((await expectError(mixed, 400, "invalid_metadata")).error.message).toContain(
			"'KEY' is both a var and a secret: a name in env is one binding",
		);
		// A var named like one of the script's secrets.
		const shadow = await deploy(t.token, name, envEcho("v2"), { vars: { JUST_FITS: "plain" } });
		expect((await expectError(shadow, 400, "invalid_metadata")).error.message).toContain(
			"'JUST_FITS' is a var of this upload and a secret",
		);
		const oversize = await deploy(t.token, uniqueName("big"), envEcho("v1"), {
			bindings: [{ type: "secret_text", name: "BIG", text: "x".repeat(5 * 1024 + 1) }],
		});
		await expectError(oversize, 400, "invalid_metadata");
	});

	it("keeps every value out of the platform's log lines and out of every answer, refusals and failures included", async () => {
		const levels = ["log", "info", "warn", "error", "debug"] as const;
		const spies = levels.map((level) => vi.spyOn(console, level).mockImplementation(() => {}));
		const answers: string[] = [];
		const answered = async (res: Response) => {
			answers.push(`${res.status} ${[...res.headers].join(" ")} ${await res.clone().text()}`);
			return res;
		};
		const t = await newTenant();
		const name = uniqueName("sec");
		const values = Array.from({ length: 6 }, uniqueValue);
		const [inUpload, put, bulk, refused, failing, mixed] = values as [string, string, string, string, string, string];
		try {
			await answered(
				await deploy(t.token, name, envEcho("v1"), { bindings: [{ type: "secret_text", name: "FROM_UPLOAD", text: inUpload }] }),
			);
			await answered(await putSecret(t.token, name, "API_KEY", put));
			await answered(
				await api(`/v1/scripts/${name}/secrets`, {
					method: "PATCH",
					token: t.token,
					headers: { "content-type": "application/json" },
					body: JSON.stringify({ secrets: { BULK: bulk } }),
				}),
			);
			// Refusals: a bad name, an oversize value (the value repeated), a var's name.
			expect((await answered(await putSecret(t.token, name, "not-an-id", refused))).status).toBe(400);
			expect((await answered(await putSecret(t.token, name, "BIG", refused.repeat(200)))).status).toBe(400);
			const mixedUpload = await deploy(t.token, uniqueName("mix"), envEcho("v1"), {
				bindings: [
					{ type: "plain_text", name: "KEY", text: "a" },
					{ type: "secret_text", name: "KEY", text: mixed },
				],
			});
			expect((await answered(mixedUpload)).status).toBe(400);
			// A deployment that fails at Loaded while carrying a new secret (and the script's others).
			const failed = await deploy(t.token, name, "export default {", { bindings: [{ type: "secret_text", name: "NEW", text: failing }] });
			expect((await answered(failed)).status).toBe(422);
			// The live code still sees what it had.
			const seenEnv = await json(await answered(await visit(`${name}.localhost`)));
			expect(seenEnv.env).toMatchObject({ FROM_UPLOAD: inUpload, API_KEY: put, BULK: bulk });
			answers.pop(); // that answer is the tenant's own: its code chose to print its env
			await answered(await api(`/v1/scripts/${name}/secrets`, { token: t.token }));
			await answered(await api(`/v1/scripts/${name}/deployments`, { token: t.token }));
			await answered(await api(`/v1/scripts/${name}/secrets/API_KEY`, { method: "DELETE", token: t.token }));
		} finally {
			for (const spy of spies) spy.mockRestore();
		}
		const logged = spies.flatMap((spy) => spy.mock.calls.map((call) => call.map(String).join(" ")));
		expect(logged.length + answers.length).toBeGreaterThan(8);
		for (const value of values) {
			for (const line of logged) expect(line).not.toContain(value);
			for (const answer of answers) expect(answer).not.toContain(value);
		}
	});

	it("rolls back to a deployment with the secrets it had (Cloudflare's semantics), and a preview keeps its own", async () => {
		const t = await newTenant();
		const name = uniqueName("sec");
		await deploy(t.token, name, envEcho("v1"));
		const one = await json(await putSecret(t.token, name, "KEY", "one"));
		await putSecret(t.token, name, "KEY", "two");
		expect((await seen(name)).KEY).toBe("two");
		const back = await json(
			await api(`/v1/scripts/${name}/rollback`, {
				method: "POST",
				token: t.token,
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ deployment_id: one.deployment.id }),
			}),
		);
		expect(back.deployment.id).toBe(one.deployment.id);
		expect((await seen(name)).KEY).toBe("one");
		expect((await json(await visit(`${one.deployment.id}--${name}.localhost`))).env.KEY).toBe("one");
	});
});

describe("a secret change while a deploy of the same script is in flight", () => {
	/** A deploy of `code` run by the pipeline itself, held at `state` until `release` is called. */
	async function heldDeploy(tenantId: string, name: string, code: string, state: DeploymentState) {
		const db = openDatabase(env.DB);
		const { script } = await claimScript(db, tenantId, name);
		let reached!: () => void;
		let release!: () => void;
		const atHold = new Promise<void>((resolve) => (reached = resolve));
		const released = new Promise<void>((resolve) => (release = resolve));
		const bytes = new TextEncoder().encode(code).buffer as ArrayBuffer;
		const work = runDeployment(
			{
				...deployContext(env, db, name),
				hold: async (s) => {
					if (s !== state) return;
					reached();
					await released;
				},
			},
			{ tenantId, scriptId: script.id, scriptName: name },
			{
				mainModule: "index.js",
				compatibilityDate: "2026-11-01",
				compatibilityFlags: [],
				vars: {},
				secrets: {},
				resources: [],
				modules: [{ name: "index.js", contentType: "application/javascript+module", bytes }],
				sizeBytes: bytes.byteLength,
			},
		);
		await atHold;
		return { work, release };
	}

	for (const state of ["Built", "Loaded"] as const) {
		it(`loses neither, the deploy held at ${state}`, async () => {
			const t = await newTenant();
			const name = uniqueName("race");
			await deploy(t.token, name, envEcho("v1"));
			const { work, release } = await heldDeploy(t.id, name, envEcho("v2"), state);
			// The change goes live at once, on the live code (v1)...
			const changed = await json(await putSecret(t.token, name, "KEY", "new"));
			expect(changed.deployment.state).toBe("Deployed");
			expect(await json(await visit(`${name}.localhost`))).toEqual({ tag: "v1", env: { KEY: "new" } });
			release();
			// ...and the deploy that was in flight goes live with it.
			const { deployment } = await work;
			expect(deployment.state).toBe("Deployed");
			expect(await json(await visit(`${name}.localhost`))).toEqual({ tag: "v2", env: { KEY: "new" } });
		});
	}
});
