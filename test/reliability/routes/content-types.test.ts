/**
 * No request misread: every endpoint that takes a body refuses one it cannot read as what it takes
 * with 415 and changes nothing, and takes the same body sent with the right content type. The
 * endpoints come from the app's route table (./endpoints.ts); each needs a case below.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, api, deploy, hello, json, newTenant, uniqueName } from "../../workers/platform";
import { type Endpoint, endpoints, fill, takesJson } from "./endpoints";

interface JsonCase {
	/** Sets up what the call acts on; returns the path's params, the token and a valid body. */
	setup(): Promise<{ params: Record<string, string>; token: string; body: unknown }>;
	/** What the call changes, read before and after: a refused call must leave it as it was. */
	observe(params: Record<string, string>, token: string): Promise<unknown>;
	/** The status of the call with the right content type. */
	ok: number;
}

const count = async (sql: string, ...binds: string[]) =>
	(await env.DB.prepare(sql)
		.bind(...binds)
		.first<{ n: number }>())!.n;

/** A script with two Deployed deployments, v2 live. */
async function twoDeployments() {
	const t = await newTenant();
	const name = uniqueName();
	const v1 = (await json(await deploy(t.token, name, hello("v1")))).deployment.id as string;
	await deploy(t.token, name, hello("v2"));
	return { t, name, v1 };
}

const CASES: Record<string, JsonCase> = {
	"POST /v1/tenants": {
		setup: async () => ({ params: {}, token: ADMIN, body: { name: uniqueName("tenant") } }),
		observe: async () => count("SELECT count(*) AS n FROM tenants"),
		ok: 201,
	},
	"PUT /v1/tenants/:id/plan": {
		setup: async () => ({ params: { id: (await newTenant()).id }, token: ADMIN, body: { plan: "pro" } }),
		observe: async ({ id }) => (await json(await api(`/v1/tenants/${id}`, { token: ADMIN }))).tenant.plan,
		ok: 200,
	},
	"PUT /v1/tenants/:id/egress": {
		setup: async () => ({ params: { id: (await newTenant()).id }, token: ADMIN, body: { hosts: ["api.example.com"] } }),
		observe: async ({ id }) => (await json(await api(`/v1/tenants/${id}/egress`, { token: ADMIN }))).egress.hosts,
		ok: 200,
	},
	"PUT /v1/plans/:name": {
		setup: async () => ({ params: { name: uniqueName("plan") }, token: ADMIN, body: { cpu_ms: 20, sub_requests: 5 } }),
		observe: async ({ name }) =>
			(await json(await api("/v1/plans", { token: ADMIN }))).plans.some((p: { name: string }) => p.name === name),
		ok: 200,
	},
	"POST /v1/tokens": {
		setup: async () => ({ params: {}, token: (await newTenant()).token, body: { name: "ci" } }),
		observe: async (_, token) => (await json(await api("/v1/tokens", { token }))).tokens.map((k: { name: string }) => k.name),
		ok: 201,
	},
	"POST /v1/scripts/:name/assets-upload-session": {
		setup: async () => ({
			params: { name: uniqueName() },
			token: (await newTenant()).token,
			body: { manifest: { "/index.html": { hash: "0".repeat(32), size: 5 } } },
		}),
		observe: async () => (await env.ARTIFACTS.list({ prefix: "asset-sessions/" })).objects.length,
		ok: 200,
	},
	"PUT /v1/scripts/:name/schedules": {
		setup: async () => {
			const t = await newTenant();
			const name = uniqueName();
			await deploy(t.token, name, "export default { fetch() { return new Response('hi'); }, scheduled() {} };");
			return { params: { name }, token: t.token, body: [{ cron: "*/5 * * * *" }] };
		},
		observe: async ({ name }, token) => (await json(await api(`/v1/scripts/${name}/schedules`, { token }))).schedules,
		ok: 200,
	},
	"PUT /v1/scripts/:name/secrets": {
		setup: async () => {
			const { t, name } = await twoDeployments();
			return { params: { name }, token: t.token, body: { name: "API_KEY", text: "value" } };
		},
		observe: async ({ name }, token) => (await json(await api(`/v1/scripts/${name}/secrets`, { token }))).secrets,
		ok: 200,
	},
	"PATCH /v1/scripts/:name/secrets": {
		setup: async () => {
			const { t, name } = await twoDeployments();
			return { params: { name }, token: t.token, body: { secrets: { API_KEY: "value" } } };
		},
		observe: async ({ name }, token) => (await json(await api(`/v1/scripts/${name}/secrets`, { token }))).secrets,
		ok: 200,
	},
	"POST /v1/d1/:database/query": {
		setup: async () => {
			const t = await newTenant();
			await deploy(t.token, uniqueName(), hello("db"), { bindings: [{ type: "d1", name: "DB", id: "db" }] });
			const query = (sql: string) =>
				api("/v1/d1/db/query", {
					method: "POST",
					token: t.token,
					headers: { "content-type": "application/json" },
					body: JSON.stringify({ sql }),
				});
			expect((await query("CREATE TABLE t (v TEXT)")).status).toBe(200);
			return { params: { database: "db" }, token: t.token, body: { sql: "INSERT INTO t VALUES ('x')" } };
		},
		observe: async (_, token) =>
			(
				await json(
					await api("/v1/d1/db/query", {
						method: "POST",
						token,
						headers: { "content-type": "application/json" },
						body: JSON.stringify({ sql: "SELECT count(*) AS n FROM t" }),
					}),
				)
			).results[0].results[0].n,
		ok: 200,
	},
	"POST /v1/scripts/:name/rollback": {
		setup: async () => {
			const { t, name, v1 } = await twoDeployments();
			return { params: { name }, token: t.token, body: { deployment_id: v1 } };
		},
		observe: async ({ name }, token) => (await json(await api(`/v1/scripts/${name}`, { token }))).script.live_deployment_id,
		ok: 200,
	},
};

/** The body as each wrong content type would carry it: what curl -d, a form or a careless client sends. */
const WRONG: Record<string, (body: unknown) => { body: BodyInit; headers: Record<string, string> }> = {
	"text/plain": (body) => ({ body: JSON.stringify(body), headers: { "content-type": "text/plain" } }),
	"application/x-www-form-urlencoded (curl -d)": (body) => ({
		body: JSON.stringify(body),
		headers: { "content-type": "application/x-www-form-urlencoded" },
	}),
	"form fields": (body) => ({
		body: new URLSearchParams(Object.entries(body as Record<string, unknown>).map(([k, v]) => [k, String(v)])),
		headers: {},
	}),
	"multipart/form-data": (body) => {
		const form = new FormData();
		for (const [k, v] of Object.entries(body as Record<string, unknown>)) form.set(k, String(v));
		return { body: form, headers: {} };
	},
	"no content type, with bytes": (body) => ({ body: new TextEncoder().encode(JSON.stringify(body)), headers: {} }),
	"application/jsonx": (body) => ({ body: JSON.stringify(body), headers: { "content-type": "application/jsonx" } }),
};

const jsonEndpoints = endpoints.filter(takesJson);

const call = (
	endpoint: Endpoint,
	params: Record<string, string>,
	token: string,
	init: { body?: BodyInit; headers?: Record<string, string> },
) => api(fill(endpoint.path, params), { method: endpoint.method, token, ...init });

describe("every JSON endpoint", () => {
	it("has a case here (the list comes from the app's routes)", () => {
		expect(jsonEndpoints.map((e) => e.key).sort()).toEqual(Object.keys(CASES).sort());
	});

	describe.each(jsonEndpoints.map((e) => [e.key, e] as const))("%s", (_, endpoint) => {
		const spec = CASES[endpoint.key]!;

		it.each(Object.keys(WRONG))("refuses its body sent as %s with 415 and changes nothing", async (wrong) => {
			const { params, token, body } = await spec.setup();
			const before = await spec.observe(params, token);
			const res = await call(endpoint, params, token, WRONG[wrong]!(body));
			expect(res.status).toBe(415);
			expect((await json(res)).error.code).toBe("unsupported_media_type");
			expect(await spec.observe(params, token)).toEqual(before);
		});

		it("refuses an empty body with a content type other than JSON", async () => {
			const { params, token } = await spec.setup();
			const res = await call(endpoint, params, token, { body: "", headers: { "content-type": "text/plain" } });
			expect(res.status).toBe(415);
		});

		it("takes the same body sent as application/json", async () => {
			const { params, token, body } = await spec.setup();
			const before = await spec.observe(params, token);
			const res = await call(endpoint, params, token, {
				body: JSON.stringify(body),
				headers: { "content-type": "application/json; charset=utf-8" },
			});
			expect(res.status).toBe(spec.ok);
			expect(await spec.observe(params, token)).not.toEqual(before);
		});
	});
});

describe("the rollback the issue found", () => {
	it("does not put v2 live when {deployment_id: v1} arrives as text/plain; application/json puts v1 live", async () => {
		const { t, name, v1 } = await twoDeployments();
		const live = async () => (await json(await api(`/v1/scripts/${name}`, { token: t.token }))).script.live_deployment_id;
		const v2 = await live();
		const rollback = (headers: Record<string, string>) =>
			api(`/v1/scripts/${name}/rollback`, { method: "POST", token: t.token, headers, body: JSON.stringify({ deployment_id: v1 }) });
		expect((await rollback({ "content-type": "text/plain" })).status).toBe(415);
		expect((await rollback({ "content-type": "application/x-www-form-urlencoded" })).status).toBe(415);
		expect(await live()).toBe(v2);
		expect((await rollback({ "content-type": "application/json" })).status).toBe(200);
		expect(await live()).toBe(v1);
	});
});

describe("an empty body", () => {
	it("is no body only without a content type: optional fields take their defaults", async () => {
		const { t, name, v1 } = await twoDeployments();
		const rolled = await api(`/v1/scripts/${name}/rollback`, { method: "POST", token: t.token });
		expect(rolled.status).toBe(200);
		expect((await json(rolled)).deployment.id).toBe(v1);
		const issued = await api("/v1/tokens", { method: "POST", token: t.token });
		expect(issued.status).toBe(201);
		expect((await json(issued)).token.name).toBe("token");
	});

	it("is refused where the body has required fields, and is malformed JSON with a JSON content type", async () => {
		const missing = await api("/v1/tenants", { method: "POST", token: ADMIN });
		expect(missing.status).toBe(400);
		expect((await json(missing)).error).toMatchObject({ code: "invalid_request", message: expect.stringContaining("needs a JSON body") });
		const t = await newTenant();
		const empty = await api("/v1/tokens", { method: "POST", token: t.token, headers: { "content-type": "application/json" }, body: "" });
		expect(empty.status).toBe(400);
		expect((await json(empty)).error.code).toBe("invalid_request");
	});
});

describe("unknown fields", () => {
	it("are refused, not ignored: a misspelt field is not its default", async () => {
		const t = await newTenant();
		const headers = { "content-type": "application/json" };
		const tenant = await api("/v1/tenants", {
			method: "POST",
			token: ADMIN,
			headers,
			body: JSON.stringify({ name: uniqueName("t"), plna: "pro" }),
		});
		expect(tenant.status).toBe(400);
		const token = await api("/v1/tokens", { method: "POST", token: t.token, headers, body: JSON.stringify({ nmae: "ci" }) });
		expect(token.status).toBe(400);
	});
});

describe("the upload", () => {
	it("refuses anything but multipart/form-data with 415", async () => {
		const t = await newTenant();
		for (const headers of [{ "content-type": "application/json" }, { "content-type": "text/plain" }, {}] as Record<string, string>[]) {
			const res = await api(`/v1/scripts/${uniqueName()}`, {
				method: "PUT",
				token: t.token,
				headers,
				body: new TextEncoder().encode("{}"),
			});
			expect(res.status).toBe(415);
		}
	});

	it("refuses two metadata parts with 400 instead of letting the first win", async () => {
		const t = await newTenant();
		const name = uniqueName();
		const form = new FormData();
		form.append("metadata", JSON.stringify({ main_module: "a.js" }));
		form.append("metadata", JSON.stringify({ main_module: "b.js" }));
		form.append("a.js", new File([hello("a")], "a.js", { type: "application/javascript+module" }));
		form.append("b.js", new File([hello("b")], "b.js", { type: "application/javascript+module" }));
		const res = await api(`/v1/scripts/${name}`, { method: "PUT", token: t.token, body: form });
		expect(res.status).toBe(400);
		expect((await json(res)).error).toMatchObject({ code: "invalid_multipart", message: expect.stringContaining("2 'metadata' parts") });
		expect((await api(`/v1/scripts/${name}`, { token: t.token })).status).toBe(404);
	});
});
