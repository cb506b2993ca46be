/** The operator's routes for plans and per-tenant settings (docs/api.md, "Operator"). */
import { describe, expect, it } from "vitest";
import { ADMIN, api, json, newTenant, uniqueName } from "./platform";

const put = (path: string, body: unknown, token = ADMIN) =>
	api(path, { method: "PUT", token, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

async function expectError(res: Response, status: number, code: string, message?: RegExp) {
	expect(res.status).toBe(status);
	const body = await json(res);
	expect(body.error.code).toBe(code);
	if (message) expect(body.error.message).toMatch(message);
}

describe("plans", () => {
	it("creates and updates a plan, and lists plans with the defaults", async () => {
		const name = uniqueName("pro");
		const created = await json(await put(`/v1/plans/${name}`, { cpu_ms: 200, sub_requests: 100 }));
		expect(created.plan).toMatchObject({ name, cpu_ms: 200, sub_requests: 100 });
		await put(`/v1/plans/${name}`, { cpu_ms: 300, sub_requests: 1000 });
		const list = await json(await api("/v1/plans", { token: ADMIN }));
		expect(list.default).toEqual({ cpu_ms: 50, sub_requests: 50 });
		expect(list.plans.find((p: { name: string }) => p.name === name)).toMatchObject({ cpu_ms: 300, sub_requests: 1000 });
	});

	it("refuses limits outside Cloudflare's bounds, unknown fields and bad names", async () => {
		await expectError(await put("/v1/plans/x", { cpu_ms: 0, sub_requests: 1 }), 400, "invalid_request", /cpu_ms/);
		await expectError(await put("/v1/plans/x", { cpu_ms: 300_001, sub_requests: 1 }), 400, "invalid_request", /cpu_ms/);
		await expectError(await put("/v1/plans/x", { cpu_ms: 10, sub_requests: 10_001 }), 400, "invalid_request", /sub_requests/);
		await expectError(await put("/v1/plans/x", { cpu_ms: 10, sub_requests: 1, memory: 1 }), 400, "invalid_request");
		await expectError(await put("/v1/plans/Not_A_Plan", { cpu_ms: 10, sub_requests: 1 }), 400, "invalid_request");
	});
});

describe("tenants", () => {
	it("lists every tenant by name, to the operator only", async () => {
		const [a, b] = await Promise.all([newTenant(), newTenant()]);
		const list = await json(await api("/v1/tenants", { token: ADMIN }));
		const names = list.tenants.map((t: { name: string }) => t.name);
		expect(names).toEqual([...names].sort());
		expect(list.tenants).toEqual(
			expect.arrayContaining([expect.objectContaining({ id: a.id, plan: "free" }), expect.objectContaining({ id: b.id })]),
		);
		await expectError(await api("/v1/tenants", { token: a.token }), 403, "forbidden");
	});
});

describe("a tenant's settings", () => {
	it("moves a tenant to a plan and shows the limits it now gets", async () => {
		const t = await newTenant();
		const plan = uniqueName("team");
		const undefinedPlan = await json(await put(`/v1/tenants/${t.id}/plan`, { plan }));
		expect(undefinedPlan.limits).toEqual({ name: plan, cpu_ms: 50, sub_requests: 50, source: "default" });
		await put(`/v1/plans/${plan}`, { cpu_ms: 75, sub_requests: 20 });
		const view = await json(await api(`/v1/tenants/${t.id}`, { token: ADMIN }));
		expect(view.tenant).toMatchObject({ id: t.id, plan });
		expect(view.limits).toMatchObject({ name: plan, cpu_ms: 75, sub_requests: 20, source: "plan" });
		expect((await json(await api("/v1/whoami", { token: t.token }))).tenant.plan).toBe(plan);
	});

	it("replaces the egress allow-list, normalised, sorted and without duplicates", async () => {
		const t = await newTenant();
		const set = await json(
			await put(`/v1/tenants/${t.id}/egress`, { hosts: ["b.example.com", " a.example.com. ", "*.cdn.example.com", "b.example.com"] }),
		);
		expect(set.egress.hosts).toEqual(["*.cdn.example.com", "a.example.com", "b.example.com"]);
		await put(`/v1/tenants/${t.id}/egress`, { hosts: ["only.example.com"] });
		expect((await json(await api(`/v1/tenants/${t.id}/egress`, { token: ADMIN }))).egress.hosts).toEqual(["only.example.com"]);
		await put(`/v1/tenants/${t.id}/egress`, { hosts: [] });
		expect((await json(await api(`/v1/tenants/${t.id}`, { token: ADMIN }))).egress.hosts).toEqual([]);
	});

	it("refuses private addresses and malformed hosts, naming the entry", async () => {
		const t = await newTenant();
		await expectError(
			await put(`/v1/tenants/${t.id}/egress`, { hosts: ["ok.example.com", "127.0.0.1"] }),
			400,
			"invalid_request",
			/'127\.0\.0\.1' is a local or private address/,
		);
		await expectError(
			await put(`/v1/tenants/${t.id}/egress`, { hosts: ["https://x.example.com/"] }),
			400,
			"invalid_request",
			/https:\/\/x\.example\.com/,
		);
		await expectError(
			await put(`/v1/tenants/${t.id}/egress`, { hosts: Array.from({ length: 101 }, (_, i) => `h${i}.example.com`) }),
			400,
			"invalid_request",
		);
		expect((await json(await api(`/v1/tenants/${t.id}/egress`, { token: ADMIN }))).egress.hosts).toEqual([]);
	});

	it("is the operator's alone, and answers 404 for an unknown tenant", async () => {
		const t = await newTenant();
		await expectError(await put(`/v1/tenants/${t.id}/egress`, { hosts: ["a.example.com"] }, t.token), 403, "forbidden");
		await expectError(await put(`/v1/tenants/${t.id}/plan`, { plan: "pro" }, t.token), 403, "forbidden");
		await expectError(await api(`/v1/tenants/${t.id}`, { token: t.token }), 403, "forbidden");
		await expectError(await api("/v1/plans", { token: t.token }), 403, "forbidden");
		await expectError(await api(`/v1/tenants/${t.id}/egress`), 401, "unauthorized");
		await expectError(await put("/v1/tenants/nobody/plan", { plan: "pro" }), 404, "not_found");
	});
});
