/**
 * One suite, run against each runtime (hono's router/common.case.test.ts pattern): the publisher that
 * puts code where the runtime looks (Worker Loader probe / upload to the dispatch namespace) and the
 * runtime adapter that runs it (Worker Loader / dispatch namespace), driven through the real API and
 * dispatcher. ./worker-loader.test.ts and ./dispatch-namespace.test.ts call it.
 */
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { fanOut } from "../../../dispatch/src/cron";
import { ECHO_DOMAIN } from "../../support/internet";
import { ADMIN, hello, uniqueName } from "../platform";
import type { Platform } from "./platforms";

/** (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)) */
const ADD_WASM = new Uint8Array([
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07,
	0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b,
]);

/** Tenant code that fetches each `?to=`, answering with what came back, the gate's denial, or why the fetch failed. */
const FETCHER = `export default { async fetch(request) {
	const params = new URL(request.url).searchParams;
	const answers = [];
	for (const target of params.getAll("to")) {
		try {
			const res = await fetch(target, { method: "POST", headers: { "x-tenant": "yes" }, body: "ping" });
			const reason = res.headers.get("x-ferry-egress-denied");
			answers.push(reason ? { status: res.status, reason, blocked: (await res.text()).trim() } : await res.json());
		} catch (error) {
			answers.push({ failed: String(error.message) });
		}
	}
	return Response.json(answers);
} };`;

export interface RuntimeCaseOptions {
	/**
	 * What the egress gate counts subrequests per: the tenant request (Cloudflare passes the request id
	 * with the outbound parameters) or the isolate (a Worker Loader isolate serves every request of its
	 * deployment with one outbound binding; see docs/deploy-to-cloudflare.md).
	 */
	subrequestsCountedPer: "request" | "isolate";
}

export function runtimeCases(make: () => Platform, options: RuntimeCaseOptions): void {
	let p: Platform;
	beforeAll(() => {
		p = make();
	});

	async function deployed(source: string | Parameters<Platform["deploy"]>[2], metadata: Record<string, unknown> = {}) {
		const tenant = await p.newTenant();
		const name = uniqueName(p.runtime === "worker-loader" ? "wl" : "dn");
		const res = await p.deploy(tenant.token, name, source, metadata);
		const body = (await res.json()) as { deployment: { id: string; state: string; error: unknown } };
		if (res.status !== 200) throw new Error(`deploy failed: ${JSON.stringify(body)}`);
		return { tenant, name, deployment: body.deployment };
	}

	describe("publishing and running code", () => {
		it("runs what was published: ES module main, CommonJS, text, data, JSON and wasm modules, vars as env", async () => {
			const { name } = await deployed(
				[
					{
						name: "index.js",
						content: `import lib from "./lib.cjs"; import greeting from "./greeting.txt"; import data from "./data.bin";
							import config from "./config.json"; import add from "./add.wasm";
							export default { fetch(request, env) {
								const sum = new WebAssembly.Instance(add).exports.add(2, 3);
								return Response.json({ lib: lib.twice(21), greeting, bytes: [...new Uint8Array(data)], config, sum, who: env.WHO });
							} };`,
					},
					{ name: "lib.cjs", content: "module.exports = { twice: (n) => n * 2 };", type: "text/javascript" },
					{ name: "greeting.txt", content: "hello from text", type: "text/plain" },
					{ name: "data.bin", content: new Uint8Array([1, 2, 3]), type: "application/octet-stream" },
					{ name: "config.json", content: JSON.stringify({ nested: { ok: true } }), type: "application/json" },
					{ name: "add.wasm", content: ADD_WASM, type: "application/wasm" },
				],
				{ vars: { WHO: "tenant" } },
			);
			const res = await p.visit(`${name}.localhost`);
			expect(await res.json()).toEqual({
				lib: 42,
				greeting: "hello from text",
				bytes: [1, 2, 3],
				config: { nested: { ok: true } },
				sum: 5,
				who: "tenant",
			});
		});

		it("gives vars of every wrangler type to env with their types (plain_text and json bindings, the vars shorthand)", async () => {
			// What wrangler sends for vars = { S = "x", N = 3, B = true, O = { a = [1, "two", null] }, L = [1, 2] }.
			const { name } = await deployed(
				`export default { fetch: (request, env) => Response.json(Object.fromEntries(
					Object.entries(env).map(([key, value]) => [key, { type: Array.isArray(value) ? "array" : value === null ? "null" : typeof value, value }]),
				)) };`,
				{
					bindings: [
						{ type: "plain_text", name: "S", text: "x" },
						{ type: "json", name: "N", json: 3 },
						{ type: "json", name: "B", json: true },
						{ type: "json", name: "O", json: { a: [1, "two", null] } },
						{ type: "json", name: "L", json: [1, 2] },
						{ type: "json", name: "T", json: "a JSON string" },
					],
					vars: { F: 1.5, Z: false },
				},
			);
			expect(await (await p.visit(`${name}.localhost`)).json()).toEqual({
				S: { type: "string", value: "x" },
				N: { type: "number", value: 3 },
				B: { type: "boolean", value: true },
				O: { type: "object", value: { a: [1, "two", null] } },
				L: { type: "array", value: [1, 2] },
				T: { type: "string", value: "a JSON string" },
				F: { type: "number", value: 1.5 },
				Z: { type: "boolean", value: false },
			});
		});

		it("serves the live deployment on the script's host and each deployment on its preview host", async () => {
			const { tenant, name, deployment: v1 } = await deployed(hello("v1"));
			const v2 = ((await (await p.deploy(tenant.token, name, hello("v2"))).json()) as { deployment: { id: string } }).deployment;
			expect(await (await p.visit(`${name}.localhost`)).text()).toBe("v2");
			expect(await (await p.visit(`${v1.id}--${name}.localhost`)).text()).toBe("v1");
			expect(await (await p.visit(`${v2.id}--${name}.localhost`)).text()).toBe("v2");
			await p.api(`/v1/scripts/${name}/rollback`, { method: "POST", token: tenant.token });
			expect(await (await p.visit(`${name}.localhost`)).text()).toBe("v1");
		});

		it("refuses code that does not parse with the runtime's message, and keeps the previous deployment serving", async () => {
			const { tenant, name } = await deployed(hello("still v1"));
			const res = await p.deploy(tenant.token, name, `export default { fetch() { return new Response("x") }`);
			expect(res.status).toBe(422);
			const body = (await res.json()) as {
				error: { code: string; message: string };
				deployment: { state: string; error: { stage: string; message: string } };
			};
			expect(body.error.code).toBe("deployment_failed");
			expect(body.deployment.state).toBe("Error");
			expect(body.deployment.error.stage).toBe("load");
			expect(body.deployment.error.message).toMatch(/SyntaxError/);
			expect(await (await p.visit(`${name}.localhost`)).text()).toBe("still v1");
		});

		it("refuses a main module without a fetch handler, with one message on both runtimes", async () => {
			const { tenant, name } = await deployed(hello("still v1"));
			const res = await p.deploy(tenant.token, name, "export default { scheduled() {} };");
			expect(res.status).toBe(422);
			const body = (await res.json()) as { deployment: { state: string; error: { stage: string; message: string } } };
			expect(body.deployment.error).toEqual({
				stage: "load",
				message: "main module 'index.js' has no default export with a fetch handler",
			});
			expect(await (await p.visit(`${name}.localhost`)).text()).toBe("still v1");
		});

		it("gives tenant code its vars and nothing of the platform's", async () => {
			const { name } = await deployed("export default { fetch: (req, env) => Response.json(Object.keys(env).sort()) };", {
				vars: { A: "1", B: "2" },
			});
			expect(await (await p.visit(`${name}.localhost`)).json()).toEqual(["A", "B"]);
		});

		it("answers a tenant's exception with the platform's 500 page, naming only the request id", async () => {
			const { name } = await deployed(`export default { fetch() { throw new Error("tenant internals"); } };`);
			const res = await p.visit(`${name}.localhost`, "/", { headers: { "cf-ray": "ray-tenant-error" } });
			expect(res.status).toBe(500);
			const page = await res.text();
			expect(page).toContain("ray-tenant-error");
			expect(page).not.toContain("tenant internals");
		});

		it("stops serving a deleted script", async () => {
			const { tenant, name } = await deployed(hello("here"));
			expect(await (await p.visit(`${name}.localhost`)).text()).toBe("here");
			expect((await p.api(`/v1/scripts/${name}`, { method: "DELETE", token: tenant.token })).status).toBe(200);
			expect((await p.visit(`${name}.localhost`)).status).toBe(404);
		});
	});

	describe("plan limits", () => {
		it("hands the runtime the limits of the tenant's plan with every request", async () => {
			const plan = uniqueName("plan");
			expect((await p.api(`/v1/plans/${plan}`, { method: "PUT", token: ADMIN, json: { cpu_ms: 120, sub_requests: 7 } })).status).toBe(200);
			const tenant = await p.newTenant();
			expect((await p.api(`/v1/tenants/${tenant.id}/plan`, { method: "PUT", token: ADMIN, json: { plan } })).status).toBe(200);
			const name = uniqueName();
			const { deployment } = (await (await p.deploy(tenant.token, name, hello("limited"))).json()) as { deployment: { id: string } };
			expect(await (await p.visit(`${name}.localhost`)).text()).toBe("limited");
			expect(await (await p.visit(`${name}.localhost`)).text()).toBe("limited");
			expect(p.limitsPassed(deployment.id)).toEqual([
				{ cpuMs: 120, subRequests: 7 },
				{ cpuMs: 120, subRequests: 7 },
			]);
		});

		it("hands the documented defaults (50 ms, 50 subrequests) for a plan without a row", async () => {
			const tenant = await p.newTenant();
			await p.api(`/v1/tenants/${tenant.id}/plan`, { method: "PUT", token: ADMIN, json: { plan: uniqueName("undefined-plan") } });
			const name = uniqueName();
			const { deployment } = (await (await p.deploy(tenant.token, name, hello("default"))).json()) as { deployment: { id: string } };
			await p.visit(`${name}.localhost`);
			expect(p.limitsPassed(deployment.id)).toEqual([{ cpuMs: 50, subRequests: 50 }]);
		});
	});

	describe("cron triggers (docs/cron.md)", () => {
		const SCHEDULED = `export default {
			fetch() { return new Response("hi"); },
			scheduled(controller, env, ctx) {
				if (controller.cron !== "17 5 * * *" || controller.scheduledTime !== ${Date.parse("2026-12-03T05:17:00Z")}) throw new Error("wrong event");
				if (env.MODE !== "cron" || typeof ctx.waitUntil !== "function") throw new Error("not a scheduled event");
			},
		};`;

		it("refuses crons for code without a scheduled handler at Loaded, from what the runtime found", async () => {
			const tenant = await p.newTenant();
			const res = await p.deploy(tenant.token, uniqueName(), hello("no cron"), { schedules: [{ cron: "17 5 * * *" }] });
			expect(res.status).toBe(422);
			expect(((await res.json()) as { error: { message: string } }).error.message).toContain("no scheduled handler");
		});

		it("the fan-out runs the live deployment's scheduled handler, with the plan's limits, and records its last run", async () => {
			const plan = uniqueName("plan");
			await p.api(`/v1/plans/${plan}`, { method: "PUT", token: ADMIN, json: { cpu_ms: 90, sub_requests: 3 } });
			const tenant = await p.newTenant();
			await p.api(`/v1/tenants/${tenant.id}/plan`, { method: "PUT", token: ADMIN, json: { plan } });
			const name = uniqueName();
			const res = await p.deploy(tenant.token, name, SCHEDULED, { vars: { MODE: "cron" }, schedules: [{ cron: "17 5 * * *" }] });
			expect(res.status).toBe(200);
			const { deployment } = (await res.json()) as { deployment: { id: string } };

			expect((await fanOut(p.dispatchEnv, Date.parse("2026-12-03T05:16:00Z"))).filter((r) => r.deploymentId === deployment.id)).toEqual([]);
			const runs = (await fanOut(p.dispatchEnv, Date.parse("2026-12-03T05:17:30Z"))).filter((r) => r.deploymentId === deployment.id);
			expect(runs).toMatchObject([{ cron: "17 5 * * *", outcome: "ok", scheduledTime: Date.parse("2026-12-03T05:17:00Z") }]);
			expect(p.limitsPassed(deployment.id)).toEqual([{ cpuMs: 90, subRequests: 3 }]);
			const listed = (await (await p.api(`/v1/scripts/${name}/schedules`, { token: tenant.token })).json()) as {
				schedules: { last_run: unknown }[];
			};
			expect(listed.schedules).toMatchObject([
				{ last_run: { at: "2026-12-03T05:17:00.000Z", outcome: "ok", deployment_id: deployment.id } },
			]);
		});
	});

	describe("egress", () => {
		const api = `https://api.${ECHO_DOMAIN}`;
		let logs: { mock: { calls: unknown[][] }; mockRestore(): void } | undefined;
		afterEach(() => logs?.mockRestore());

		async function fetcherFor(hosts: string[]) {
			const script = await deployed(FETCHER);
			const res = await p.api(`/v1/tenants/${script.tenant.id}/egress`, { method: "PUT", token: ADMIN, json: { hosts } });
			expect(res.status).toBe(200);
			return script;
		}
		const visitFetching = (name: string, targets: string[], rayId?: string) =>
			p.visit(
				`${name}.localhost`,
				`/?${targets.map((t) => `to=${encodeURIComponent(t)}`).join("&")}`,
				rayId ? { headers: { "cf-ray": rayId } } : {},
			);

		it("lets tenant code reach an allow-listed host, the request unchanged", async () => {
			const { name } = await fetcherFor([`api.${ECHO_DOMAIN}`, `*.cdn.${ECHO_DOMAIN}`]);
			const [direct, wildcard] = (await (
				await visitFetching(name, [`${api}/v1/things?x=1`, `https://img.cdn.${ECHO_DOMAIN}/a.png`])
			).json()) as {
				echo: boolean;
				url: string;
				method: string;
				headers: Record<string, string>;
				body: string;
			}[];
			expect(direct).toMatchObject({ echo: true, url: `${api}/v1/things?x=1`, method: "POST", body: "ping" });
			expect(direct!.headers["x-tenant"]).toBe("yes");
			expect(wildcard).toMatchObject({ echo: true, url: `https://img.cdn.${ECHO_DOMAIN}/a.png` });
		});

		it("denies hosts that are not on the allow-list (a wildcard names subdomains, not the domain)", async () => {
			const { name } = await fetcherFor([`*.cdn.${ECHO_DOMAIN}`]);
			const answers = (await (await visitFetching(name, [api, `https://cdn.${ECHO_DOMAIN}/`])).json()) as { blocked?: string }[];
			expect(answers).toEqual([
				{ status: 403, reason: "not_allowed", blocked: expect.stringContaining(`egress denied (not_allowed): api.${ECHO_DOMAIN}`) },
				{ status: 403, reason: "not_allowed", blocked: expect.stringContaining(`egress denied (not_allowed): cdn.${ECHO_DOMAIN}`) },
			]);
		});

		it("denies loopback, private and link-local addresses even when an operator listed them", async () => {
			const { tenant, name } = await fetcherFor([]);
			const listed = ["127.0.0.1", "localhost", "[::1]", "10.1.2.3", "169.254.169.254", "192.168.0.1", "[::ffff:7f00:1]"];
			// The API refuses such entries; an operator editing D1 by hand is the only way in, and still no way out.
			await env.DB.batch(
				listed.map((host) =>
					env.DB.prepare("INSERT INTO egress_allow_list (tenant_id, host, created_at) VALUES (?, ?, 0)").bind(tenant.id, host),
				),
			);
			const targets = [
				"http://127.0.0.1:8787/",
				"http://localhost/",
				"http://[::1]/",
				"http://10.1.2.3/",
				"http://169.254.169.254/latest/meta-data/",
				"http://192.168.0.1/",
				"http://2130706433/",
				"http://[::ffff:127.0.0.1]/",
			];
			const answers = (await (await visitFetching(name, targets)).json()) as { status?: number; reason?: string; blocked?: string }[];
			expect(answers).toHaveLength(targets.length);
			for (const answer of answers) {
				expect(answer).toMatchObject({ status: 403, reason: "private_address" });
				expect(answer.blocked).toMatch(/^egress denied \(private_address\)/);
			}
		});

		it(`counts every subrequest, per ${options.subrequestsCountedPer}, in the gate's log`, async () => {
			const { name, deployment, tenant } = await fetcherFor([`api.${ECHO_DOMAIN}`]);
			logs = vi.spyOn(console, "info");
			await visitFetching(name, [api, `${api}/2`], "ray-one");
			await visitFetching(name, [api], "ray-two");
			const lines = logs.mock.calls
				.map(([line]: unknown[]) => JSON.parse(String(line)) as Record<string, unknown>)
				.filter((entry) => entry.message === "egress" && entry.deploymentId === deployment.id);
			expect(lines.every((l) => l.tenantId === tenant.id && l.host === `api.${ECHO_DOMAIN}`)).toBe(true);
			if (options.subrequestsCountedPer === "request")
				expect(lines.map((l) => [l.requestId, l.subrequest])).toEqual([
					["ray-one", 1],
					["ray-one", 2],
					["ray-two", 1],
				]);
			else expect(lines.map((l) => l.subrequest)).toEqual([1, 2, 3]);
		});
	});
}
