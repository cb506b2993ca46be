/**
 * Bad input on every endpoint: each endpoint from the app's route table gets malformed credentials,
 * parameters, queries and bodies. Every answer is a client error in the one error shape, with the
 * status its code has, never a 5xx, a stack or a source path; and nothing is created.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ERROR_STATUS, type ErrorCode } from "../../../workers/shared/http/errors";
import { ADMIN, api, json, newTenant } from "../../workers/platform";
import { BAD_AUTHORIZATIONS, type Endpoint, endpoints, fill, takesJson, UPLOAD } from "./endpoints";

const OPERATOR = (e: Endpoint) => e.path.startsWith("/v1/tenants") || e.path.startsWith("/v1/plans");
const PUBLIC = (e: Endpoint) => e.path === "/";

/** Asserts the answer is a well-formed client error; returns its code. */
async function clientError(res: Response, what: string): Promise<ErrorCode> {
	const text = await res.text();
	expect(res.status, `${what}: ${text}`).toBeGreaterThanOrEqual(400);
	expect(res.status, `${what}: ${text}`).toBeLessThan(500);
	expect(res.headers.get("content-type"), what).toContain("application/json");
	const body = JSON.parse(text) as { error: { code: ErrorCode; message: string } };
	expect(Object.keys(body.error).sort(), what).toEqual(["code", "message"]);
	expect(ERROR_STATUS[body.error.code], what).toBe(res.status);
	expect(text, what).not.toMatch(/workers\/api|workers\/shared|dispatch\/src|node_modules|\.ts:\d+|\n\s+at /);
	return body.error.code;
}

const PARAM_JUNK = ["x".repeat(300), "UPPER", "%C3%A9t%C3%A9", "a%2Fb", "%00", "-", "a--b", "%20", "'%20OR%201=1--"];
const BODY_JUNK: [string, string][] = [
	["malformed JSON", "{nope"],
	["a JSON array", "[]"],
	["JSON null", "null"],
	["a JSON string", '"text"'],
	["a JSON number", "42"],
	["wrong field types", '{"name":42,"plan":[],"cpu_ms":"fast","sub_requests":null,"hosts":"x","deployment_id":{}}'],
	["unknown fields only", '{"surprise":true}'],
	["deep nesting", `${"[".repeat(5000)}${"]".repeat(5000)}`],
	["over 64 KiB", JSON.stringify({ name: "x".repeat(70_000) })],
];

describe("bad input on every endpoint", () => {
	it.each(endpoints.filter((e) => !PUBLIC(e)).map((e) => [e.key, e] as const))("%s: bad credentials are 401 or 403", async (_, e) => {
		const path = fill(e.path, {
			name: "x",
			id: "x",
			namespace: "x",
			bucket: "x",
			database: "x",
			key: "x",
			type: "kv_namespace",
			secret: "x",
		});
		for (const authorization of BAD_AUTHORIZATIONS) {
			const code = await clientError(
				await api(path, { method: e.method, headers: { authorization } }),
				`${e.key} with '${authorization.slice(0, 20)}'`,
			);
			expect(["unauthorized", "forbidden"]).toContain(code);
		}
	});

	it.each(endpoints.filter((e) => e.path.includes(":")).map((e) => [e.key, e] as const))(
		"%s: junk path parameters are client errors",
		async (_, e) => {
			const t = await newTenant();
			const token = OPERATOR(e) ? ADMIN : t.token;
			for (const junk of PARAM_JUNK) {
				// Raw, not encoded again: each is what a client could put in the path.
				const path = e.path.replace(/:\w+/g, junk);
				const init: RequestInit & { token: string } = { method: e.method, token };
				if (takesJson(e)) Object.assign(init, { headers: { "content-type": "application/json" }, body: "{}" });
				const res = await api(path, init);
				if (res.status < 400) {
					// Only a name that is valid as it stands may succeed (a plan "-" is refused, say); nothing may be created by junk.
					expect(res.status, `${e.key} with ${junk}`).toBeLessThan(300);
					continue;
				}
				await clientError(res, `${e.key} with ${junk}`);
			}
			// No script or plan was created under any of these names.
			const created = await env.DB.prepare(
				`SELECT (SELECT count(*) FROM scripts WHERE tenant_id = ?1) + (SELECT count(*) FROM plans WHERE name IN (${PARAM_JUNK.map(() => "?").join(",")})) AS n`,
			)
				.bind(t.id, ...PARAM_JUNK.map(decodeURIComponent))
				.first<{ n: number }>();
			expect(created?.n).toBe(0);
		},
	);

	it.each(endpoints.filter(takesJson).map((e) => [e.key, e] as const))("%s: junk JSON bodies are client errors", async (_, e) => {
		const t = await newTenant();
		const token = OPERATOR(e) ? ADMIN : t.token;
		const path = fill(e.path, { id: t.id, name: "some-name", database: "some-name" });
		for (const [what, body] of BODY_JUNK) {
			const code = await clientError(
				await api(path, { method: e.method, token, headers: { "content-type": "application/json" }, body }),
				`${e.key} with ${what}`,
			);
			// An asset manifest is checked by its own rules (invalid_assets, docs/assets.md).
			expect(["invalid_request", "invalid_assets", "payload_too_large", "not_found"], `${e.key} with ${what}`).toContain(code);
		}
	});

	it("GET /v1/scripts/:name/deployments: a bad limit is 400", async () => {
		const t = await newTenant();
		for (const limit of ["abc", "0", "-1", "201", "1e9", "1.5", ""]) {
			const res = await api(`/v1/scripts/nothing/deployments?limit=${limit}`, { token: t.token });
			expect(await clientError(res, `limit=${limit}`)).toBe("invalid_request");
		}
	});

	it("GET /v1/scripts/:name/logs: a bad filter, cursor or limit is 400", async () => {
		const t = await newTenant();
		for (const query of ["limit=0", "limit=101", "cursor=x", "since=soon", "status=600", "level=shout", "unknown=1"]) {
			const res = await api(`/v1/scripts/nothing/logs?${query}`, { token: t.token });
			expect(await clientError(res, query)).toBe("invalid_request");
		}
	});

	it("GET /v1/scripts/:name/tail: a bad filter or sampling is 400", async () => {
		const t = await newTenant();
		for (const query of ["sampling=0", "sampling=1.5", "sampling=x", "since=1h", "cursor=c1", "status=600", "unknown=1"]) {
			const res = await api(`/v1/scripts/nothing/tail?${query}`, { token: t.token });
			expect(await clientError(res, query)).toBe("invalid_request");
		}
	});

	it("GET /v1/scripts/:name/metrics, GET /v1/metrics and GET /v1/usage: a bad range, step or month is 400", async () => {
		const t = await newTenant();
		for (const query of ["step=2m", "since=30d&step=1m", "since=x", "until=1h&since=30m", "unknown=1"]) {
			const res = await api(`/v1/scripts/nothing/metrics?${query}`, { token: t.token });
			expect(await clientError(res, query)).toBe("invalid_request");
		}
		for (const query of ["since=x", "until=1h&since=30m", "step=1m", "unknown=1"]) {
			const res = await api(`/v1/metrics?${query}`, { token: t.token });
			expect(await clientError(res, query)).toBe("invalid_request");
		}
		for (const query of ["month=2026-00", "month=2026-1", "month=", "unknown=1"]) {
			const res = await api(`/v1/usage?${query}`, { token: t.token });
			expect(await clientError(res, query)).toBe("invalid_request");
		}
	});

	it(`${UPLOAD}: junk uploads are client errors and create nothing`, async () => {
		const t = await newTenant();
		const put = (body: BodyInit, headers: Record<string, string> = {}) =>
			api("/v1/scripts/junk-upload", { method: "PUT", token: t.token, headers, body });
		const form = (entries: [string, string | File][]) => {
			const f = new FormData();
			for (const [k, v] of entries) f.append(k, v);
			return f;
		};
		const file = (name: string, text: string, type = "application/javascript+module") => new File([text], name, { type });
		for (const [what, res] of [
			["no body", await put("", { "content-type": "multipart/form-data; boundary=x" })],
			["a boundary that never appears", await put("garbage", { "content-type": "multipart/form-data; boundary=x" })],
			["no boundary", await put("--x\r\n", { "content-type": "multipart/form-data" })],
			[
				"metadata that is an array",
				await put(
					form([
						["metadata", "[]"],
						["a.js", file("a.js", "export default {}")],
					]),
				),
			],
			[
				"metadata with a wrong type",
				await put(
					form([
						["metadata", '{"main_module":7}'],
						["a.js", file("a.js", "export default {}")],
					]),
				),
			],
			[
				"a module that is a plain field",
				await put(
					form([
						["metadata", '{"main_module":"a.js"}'],
						["a.js", "export default {}"],
					]),
				),
			],
			[
				"a module named ../x.js",
				await put(
					form([
						["metadata", '{"main_module":"../x.js"}'],
						["../x.js", file("../x.js", "export default {}")],
					]),
				),
			],
			["no modules", await put(form([["metadata", '{"main_module":"a.js"}']]))],
		] as const) {
			// "No modules" passes the envelope and fails at build: a deployment in Error, 422.
			if (res.status === 422) {
				expect((await json(res)).error.code, what).toBe("deployment_failed");
				continue;
			}
			await clientError(res, `upload with ${what}`);
		}
		const deployed = await env.DB.prepare("SELECT count(*) AS n FROM deployments WHERE tenant_id = ? AND state = 'Deployed'")
			.bind(t.id)
			.first<{ n: number }>();
		expect(deployed?.n).toBe(0);
	});
});
