import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import dispatcher from "../../dispatch/src/index";
import { clearWarmupBudget, forgetCachedCode, hasCachedCode } from "../../dispatch/src/runtime";
import { platformReads } from "../../workers/shared/platform";
import { readRoutes } from "../../workers/shared/platform/d1";
import type { RouteControlApi, RouteTableApi } from "../../workers/shared/runtime/route";
import { api, deploy, hello, json, newTenant, uniqueName, visit } from "./platform";

async function deployed(source: string, metadata: Record<string, unknown> = {}) {
	const t = await newTenant();
	const name = uniqueName();
	const res = await deploy(t.token, name, source, metadata);
	if (res.status !== 200) throw new Error(`deploy failed: ${await res.text()}`);
	return { t, name, deployment: (await json(res)).deployment };
}

describe("routing", () => {
	it("serves the live deployment and each deployment's preview host", async () => {
		const { t, name, deployment: v1 } = await deployed(hello("v1"));
		const v2 = (await json(await deploy(t.token, name, hello("v2")))).deployment;
		expect(await (await visit(`${name}.localhost`)).text()).toBe("v2");
		expect(await (await visit(`${v1.id}--${name}.localhost`)).text()).toBe("v1");
		expect(await (await visit(`${v2.id}--${name}.localhost`)).text()).toBe("v2");
	});

	it("answers unknown hosts with the platform's 404 page", async () => {
		for (const host of [`${uniqueName()}.localhost`, "zzzzzzzzzz--nothing.localhost", "localhost", "example.com", "a.b.localhost"]) {
			const res = await visit(host);
			expect(res.status).toBe(404);
			expect(res.headers.get("content-type")).toContain("text/html");
			expect(await res.text()).toContain("No script is deployed at this address");
		}
	});

	it("never serves a stale deployment once a deploy or rollback has answered", async () => {
		const { t, name } = await deployed(hello("v1"));
		expect(await (await visit(`${name}.localhost`)).text()).toBe("v1"); // now cached
		for (const version of ["v2", "v3", "v4"]) {
			await deploy(t.token, name, hello(version));
			expect(await (await visit(`${name}.localhost`)).text()).toBe(version);
		}
		await api(`/v1/scripts/${name}/rollback`, { method: "POST", token: t.token });
		expect(await (await visit(`${name}.localhost`)).text()).toBe("v3");
	});

	it("serves a warm route from the isolate's cache without reading D1", async () => {
		const { name } = await deployed(hello("cached"));
		expect(await (await visit(`${name}.localhost`)).text()).toBe("cached");
		// Behind the API's back the route disappears; the cached route still answers (no D1 read)…
		await env.DB.prepare("UPDATE routes SET label = label || '-moved' WHERE label = ?").bind(name).run();
		expect(await (await visit(`${name}.localhost`)).text()).toBe("cached");
		// …until the API's refresh (what every route move sends) re-reads it.
		await (env.ROUTES as unknown as RouteControlApi).refresh([name]);
		expect((await visit(`${name}.localhost`)).status).toBe(404);
	});

	it("drops a label another process serves from its cache without reading it (read again on its first request)", async () => {
		const { name } = await deployed(hello("elsewhere"));
		expect(await (await visit(`${name}.localhost`)).text()).toBe("elsewhere");
		await env.DB.prepare("UPDATE routes SET label = label || '-moved' WHERE label = ?").bind(name).run();
		// What the local control process sends a runtime process that does not serve the label.
		await (env.ROUTES as unknown as RouteControlApi).refresh([name], []);
		expect((await visit(`${name}.localhost`)).status).toBe(404);
	});

	it("has a deployment ready once its deploy answered (its first request needs no R2), without running its handler", async () => {
		const { name, deployment } = await deployed(`let n = 0; export default { fetch: () => new Response("ready " + ++n) };`);
		// R2 loses the manifest: the first request must not need it.
		await env.ARTIFACTS.delete(`manifests/${deployment.id}.json`);
		expect(await (await visit(`${name}.localhost`)).text()).toBe("ready 1");
	});

	it("has the deployment's isolate started once its deploy answered: its first request needs neither R2 nor cached code", async () => {
		// Room to warm it: the files before this one deployed more than the budget and served few of them.
		clearWarmupBudget();
		const { name, deployment } = await deployed(hello("started"));
		await env.ARTIFACTS.delete(`manifests/${deployment.id}.json`);
		forgetCachedCode(deployment.id);
		expect(await (await visit(`${name}.localhost`)).text()).toBe("started");
	});

	it("keeps the code a deploy hands its route refresh, without reading it back from R2", async () => {
		const { name, deployment } = await deployed(hello("handed over"));
		const code = await platformReads(env).deploymentCode(deployment.id);
		// R2 loses the manifest and the cache the code: a read back would fail now.
		await env.ARTIFACTS.delete(`manifests/${deployment.id}.json`);
		forgetCachedCode(deployment.id);
		await (env.ROUTES as unknown as RouteControlApi).refresh([name]);
		expect(hasCachedCode(deployment.id)).toBe(false);
		await (env.ROUTES as unknown as RouteControlApi).refresh([name], undefined, code);
		expect(hasCachedCode(deployment.id)).toBe(true);
	});

	it("serves a route from a loaded route table without reading it (what a local runtime process starts with)", async () => {
		const { name } = await deployed(hello("from the table"));
		const table = await readRoutes(env.DB, [name]);
		// Behind the API's back the route disappears, and the cache learns it: a read now finds nothing.
		await env.DB.prepare("UPDATE routes SET label = label || '-moved' WHERE label = ?").bind(name).run();
		await (env.ROUTES as unknown as RouteControlApi).refresh([name]);
		expect((await visit(`${name}.localhost`)).status).toBe(404);
		const control = env.ROUTES as unknown as RouteTableApi;
		expect(await control.loadRoutes(table, await control.routeGeneration())).toBe(1);
		expect(await (await visit(`${name}.localhost`)).text()).toBe("from the table");
	});

	it("reads the code of a loaded route table's newest deployments ahead of their first request", async () => {
		const { name, deployment } = await deployed(hello("read ahead"));
		const table = await readRoutes(env.DB, [name]);
		forgetCachedCode(deployment.id);
		const control = env.ROUTES as unknown as RouteTableApi;
		expect(await control.loadRoutes(table, await control.routeGeneration())).toBe(1);
		await expect.poll(() => hasCachedCode(deployment.id)).toBe(true);
	});

	it("never loads a route table read before a route moved", async () => {
		const { t, name } = await deployed(hello("v1"));
		const control = env.ROUTES as unknown as RouteTableApi;
		const since = await control.routeGeneration();
		const table = await readRoutes(env.DB, [name]);
		await deploy(t.token, name, hello("v2"));
		expect(await control.loadRoutes(table, since)).toBe(0);
		expect(await (await visit(`${name}.localhost`)).text()).toBe("v2");
	});

	it("refreshes more labels in one call than D1 binds in one statement", async () => {
		const { name } = await deployed(hello("many"));
		const unknown = Array.from({ length: 150 }, () => uniqueName());
		await (env.ROUTES as unknown as RouteControlApi).refresh([...unknown, name]);
		expect(await (await visit(`${name}.localhost`)).text()).toBe("many");
		expect((await visit(`${unknown[0]}.localhost`)).status).toBe(404);
	});

	it("passes method, path, query, headers and body to the tenant", async () => {
		const { name } = await deployed(`export default { async fetch(req) {
			const u = new URL(req.url);
			return Response.json({ method: req.method, path: u.pathname, q: u.searchParams.get("q"), h: req.headers.get("x-test"), body: await req.text() });
		} };`);
		const res = await visit(`${name}.localhost`, "/some/path?q=1", { method: "POST", headers: { "x-test": "yes" }, body: "payload" });
		expect(await res.json()).toEqual({ method: "POST", path: "/some/path", q: "1", h: "yes", body: "payload" });
	});
});

describe("streaming", () => {
	// Neither stream ever ends: a dispatcher that buffered either body would never answer, and the
	// test would time out rather than pass.
	it("hands the tenant the request body while it is still arriving, and the visitor the answer while it is still being written", async () => {
		const { name } = await deployed(`export default { async fetch(req) {
			const { value } = await req.body.getReader().read();
			const first = new TextDecoder().decode(value);
			return new Response(new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode("got " + first)); } }));
		} };`);
		const body = new ReadableStream({
			start(controller) {
				controller.enqueue(new TextEncoder().encode("chunk-1"));
			},
		});
		const res = await visit(`${name}.localhost`, "/", { method: "POST", body, duplex: "half" } as RequestInit);
		const reader = res.body!.getReader();
		const { value } = await reader.read();
		expect(new TextDecoder().decode(value)).toBe("got chunk-1");
		await reader.cancel();
	});
});

describe("tenant failures", () => {
	it("answers a throwing tenant with a 500 page naming the request id and nothing internal", async () => {
		const { name } = await deployed(`export default { fetch() { throw new Error("tenant secret detail"); } };`);
		const res = await visit(`${name}.localhost`);
		expect(res.status).toBe(500);
		const requestId = res.headers.get("x-ferry-request-id");
		expect(requestId).toMatch(/^[a-z0-9]{16}$/);
		const page = await res.text();
		expect(page).toContain(requestId);
		expect(page).not.toMatch(/tenant secret detail|Error:|at .*:\d+|D1|R2|LOADER/);
	});

	it("answers with the platform's 503 page, not a bare 500, when the route table cannot be read", async () => {
		// D1 failing at its binding's boundary: every statement rejects, as when D1 is unreachable.
		const unreachable = {
			prepare: () => ({ bind: () => ({ first: () => Promise.reject(new Error("D1_ERROR: network connection lost")) }) }),
		} as unknown as D1Database;
		const logged = vi.spyOn(console, "error").mockImplementation(() => {});
		const res = await dispatcher.fetch(new Request(`http://${uniqueName()}.localhost/`), { ...env, DB: unreachable } as DispatchEnv);
		const lines = logged.mock.calls.map(([line]) => JSON.parse(String(line)));
		logged.mockRestore();
		expect(res.status).toBe(503);
		const requestId = res.headers.get("x-ferry-request-id");
		const page = await res.text();
		expect(page).toContain(requestId);
		expect(page).not.toContain("D1_ERROR");
		// The operator's log line names the same id, with the error as it was thrown.
		expect(lines).toContainEqual(
			expect.objectContaining({ requestId, error: expect.objectContaining({ message: "D1_ERROR: network connection lost" }) }),
		);
	});

	it("cuts off a request whose response never starts at the wall-clock limit, with the 504 page", async () => {
		const { name } = await deployed(
			// An hour's timer: pending I/O, so workerd itself does not see the request as hung.
			`export default { fetch: (request) => new URL(request.url).pathname === "/forever" ? new Promise((resolve) => setTimeout(() => resolve(new Response("late")), 3_600_000)) : new Response("quick") };`,
		);
		// This env's runtime adapter has a 300 ms limit (the var the local runtime processes get).
		const limited = { ...env, WALL_CLOCK_LIMIT_MS: "300" } as DispatchEnv;
		const get = (path: string) =>
			dispatcher.fetch(new Request(`http://${name}.localhost${path}`) as Parameters<typeof dispatcher.fetch>[0], limited);
		const logged = vi.spyOn(console, "warn").mockImplementation(() => {});
		const started = Date.now();
		const res = await get("/forever");
		const waited = Date.now() - started;
		const lines = logged.mock.calls.map(([line]) => JSON.parse(String(line)));
		logged.mockRestore();
		expect(res.status).toBe(504);
		expect(await res.text()).toContain("did not answer within 0.3 s");
		expect(waited).toBeGreaterThanOrEqual(300);
		expect(waited).toBeLessThan(5_000);
		expect(lines).toContainEqual(
			expect.objectContaining({ message: "tenant script exceeded the wall-clock limit", script: name, limitMs: 300 }),
		);
		expect(await (await get("/")).text()).toBe("quick");
	});

	it("passes a tenant's own error responses through untouched", async () => {
		const { name } = await deployed(`export default { fetch: () => new Response("teapot", { status: 418 }) };`);
		const res = await visit(`${name}.localhost`);
		expect(res.status).toBe(418);
		expect(await res.text()).toBe("teapot");
	});
});

describe("tenant sandbox", () => {
	it("gives tenant code its vars and nothing else: no platform bindings, no admin token", async () => {
		const { name } = await deployed(
			`export default { fetch: (req, env) => Response.json({ keys: Object.keys(env), db: typeof env.DB, token: env.FERRY_ADMIN_TOKEN ?? null, globals: [typeof DB, typeof ARTIFACTS, typeof LOADER] }) };`,
			{ vars: { ONLY: "mine" } },
		);
		expect(await (await visit(`${name}.localhost`)).json()).toEqual({
			keys: ["ONLY"],
			db: "undefined",
			token: null,
			globals: ["undefined", "undefined", "undefined"],
		});
	});

	it("blocks the tenant's outbound network by default", async () => {
		const { name } = await deployed(`export default { async fetch() {
			const r = await fetch("http://example.com/");
			return new Response(r.status + " " + r.headers.get("x-ferry-egress-denied") + ": " + (await r.text()));
		} };`);
		expect(await (await visit(`${name}.localhost`)).text()).toMatch(/^403 not_allowed: egress denied \(not_allowed\): example\.com /);
	});

	it("keeps one tenant's isolate state away from another's", async () => {
		const counter = `let n = 0; export default { fetch: () => new Response(String(++n)) };`;
		const a = await deployed(counter);
		const b = await deployed(counter);
		await visit(`${a.name}.localhost`);
		await visit(`${a.name}.localhost`);
		expect(await (await visit(`${b.name}.localhost`)).text()).toBe("1");
	});
});
