/**
 * Cross-tenant access on every endpoint: with another tenant's token, each tenant-scoped endpoint
 * answers for a resource exactly as for one that does not exist (status, code, and the body with the
 * identifier blanked), changes nothing, and lists nothing of the other tenant's. The operator's
 * endpoints refuse every tenant token. The endpoints come from the app's route table (./endpoints.ts).
 */
import { describe, expect, it } from "vitest";
import { newId } from "../../../workers/shared/ids";
import { api, deploy, hello, json, newTenant, uniqueName, visit } from "../../workers/platform";
import { ASSET_UPLOAD, type Endpoint, endpoints, fill } from "./endpoints";

/** Tenant A's KV namespace (bound by its live deployment) and a key in it. */
const VICTIM_KV = "victim-kv";
const VICTIM_KEY = "victim-key";
/** Tenant A's R2 bucket (bound by the same deployment) and an object in it. */
const VICTIM_BUCKET = "victim-bucket";
/** Tenant A's D1 database (bound by the same deployment). */
const VICTIM_DB = "victim-db";

/** Tenant A's resources, which tenant B goes after. */
async function victim() {
	const a = await newTenant("victim");
	const script = uniqueName("victim");
	const v1 = (await json(await deploy(a.token, script, hello("a v1")))).deployment.id as string;
	const v2 = (
		await json(
			await deploy(a.token, script, hello("a v2"), {
				bindings: [
					{ type: "kv_namespace", name: "KV", namespace_id: VICTIM_KV },
					{ type: "r2_bucket", name: "BUCKET", bucket_name: VICTIM_BUCKET },
					{ type: "d1", name: "DB", id: VICTIM_DB },
				],
			}),
		)
	).deployment.id as string;
	await api(`/v1/kv/${VICTIM_KV}/values/${VICTIM_KEY}`, { method: "PUT", token: a.token, body: "a's value" });
	await api(`/v1/r2/${VICTIM_BUCKET}/objects/${VICTIM_KEY}`, { method: "PUT", token: a.token, body: "a's object" });
	await api(`/v1/d1/${VICTIM_DB}/query`, {
		method: "POST",
		token: a.token,
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ sql: "CREATE TABLE secrets (v TEXT); INSERT INTO secrets VALUES ('a''s row')" }),
	});
	const token = (
		await json(
			await api("/v1/tokens", { method: "POST", token: a.token, headers: { "content-type": "application/json" }, body: '{"name":"a-ci"}' }),
		)
	).token;
	const secret = await api(`/v1/scripts/${script}/secrets`, {
		method: "PUT",
		token: a.token,
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ name: "API_KEY", text: "a's secret" }),
	});
	expect(secret.status).toBe(200);
	return { a, script, v1, v2, tokenId: token.id as string, tokenSecret: token.token as string };
}
type Victim = Awaited<ReturnType<typeof victim>>;

interface ScopedCase {
	/** The params naming A's resource, and the same shape naming nothing. */
	params(v: Victim): Record<string, string>;
	missing(): Record<string, string>;
	body?: (v: Victim) => unknown;
}

const script = { params: (v: Victim) => ({ name: v.script }), missing: () => ({ name: uniqueName("nobody") }) };
/** A's KV namespace, named as each KV endpoint names it (`:name` or `:namespace`), with the other params given. */
const kv = (other: Record<string, string> = {}): ScopedCase => ({
	params: () => ({ name: VICTIM_KV, namespace: VICTIM_KV, ...other }),
	missing: () => {
		const nobody = uniqueName("nobody");
		return { name: nobody, namespace: nobody, ...other };
	},
});

/** A's R2 bucket, with the other params given. */
const bucket = (other: Record<string, string> = {}): ScopedCase => ({
	params: () => ({ bucket: VICTIM_BUCKET, name: VICTIM_BUCKET, ...other }),
	missing: () => {
		const nobody = uniqueName("nobody");
		return { bucket: nobody, name: nobody, ...other };
	},
});

/** Every tenant-scoped endpoint with a parameter naming a resource. */
const SCOPED: Record<string, ScopedCase> = {
	"GET /v1/scripts/:name": script,
	"GET /v1/scripts/:name/deployments": script,
	"GET /v1/scripts/:name/logs": script,
	"GET /v1/scripts/:name/tail": script,
	"GET /v1/scripts/:name/schedules": script,
	"PUT /v1/scripts/:name/schedules": { ...script, body: () => [] },
	"GET /v1/scripts/:name/metrics": script,
	"POST /v1/scripts/:name/rollback": { ...script, body: (v) => ({ deployment_id: v.v1 }) },
	"DELETE /v1/scripts/:name": script,
	"GET /v1/scripts/:name/secrets": script,
	"PUT /v1/scripts/:name/secrets": { ...script, body: () => ({ name: "API_KEY", text: "b's value" }) },
	"PATCH /v1/scripts/:name/secrets": { ...script, body: () => ({ secrets: { API_KEY: null } }) },
	"DELETE /v1/scripts/:name/secrets/:secret": {
		params: (v) => ({ name: v.script, secret: "API_KEY" }),
		missing: () => ({ name: uniqueName("nobody"), secret: "API_KEY" }),
	},
	"GET /v1/deployments/:id": { params: (v) => ({ id: v.v1 }), missing: () => ({ id: newId() }) },
	"DELETE /v1/tokens/:id": { params: (v) => ({ id: v.tokenId }), missing: () => ({ id: newId() }) },
	"DELETE /v1/resources/:type/:name": kv({ type: "kv_namespace" }),
	"GET /v1/kv/:namespace/keys": kv(),
	"GET /v1/kv/:namespace/values/:key": kv({ key: VICTIM_KEY }),
	"PUT /v1/kv/:namespace/values/:key": { ...kv({ key: VICTIM_KEY }), body: () => "b's value" },
	"DELETE /v1/kv/:namespace/values/:key": kv({ key: VICTIM_KEY }),
	"GET /v1/r2/:bucket/objects/:key": bucket({ key: VICTIM_KEY }),
	"PUT /v1/r2/:bucket/objects/:key": { ...bucket({ key: VICTIM_KEY }), body: () => "b's object" },
	"DELETE /v1/r2/:bucket/objects/:key": bucket({ key: VICTIM_KEY }),
	"POST /v1/d1/:database/query": {
		params: () => ({ database: VICTIM_DB }),
		missing: () => ({ database: uniqueName("nobody") }),
		body: () => ({ sql: "SELECT * FROM secrets" }),
	},
};
/** Tenant-scoped endpoints that name no resource: they answer about the caller only. */
const OWN = [
	"GET /v1/whoami",
	"GET /v1/tokens",
	"POST /v1/tokens",
	"GET /v1/scripts",
	"GET /v1/usage",
	"GET /v1/metrics",
	"GET /v1/resources",
	"GET /v1/events",
];
/** Names are hostnames, global to the platform: a deploy to another tenant's name is name_taken (docs/api.md). */
const GLOBAL_NAME = "PUT /v1/scripts/:name";
/** An asset upload session under any name: it holds only the caller's files (docs/assets.md). */
const ASSET_SESSION = "POST /v1/scripts/:name/assets-upload-session";

// /v1/usage answers the operator too (every tenant's), with the admin token.
const TENANT_PREFIXES = [
	"/v1/whoami",
	"/v1/tokens",
	"/v1/scripts",
	"/v1/deployments",
	"/v1/usage",
	"/v1/metrics",
	"/v1/resources",
	"/v1/kv",
	"/v1/r2",
	"/v1/d1",
	"/v1/events",
];
const isTenantScoped = (e: Endpoint) => TENANT_PREFIXES.some((prefix) => e.path === prefix || e.path.startsWith(`${prefix}/`));
const tenantEndpoints = endpoints.filter(isTenantScoped);
// The asset bucket upload's credential is its session's token, tested with the sessions (test/workers/assets.test.ts).
const operatorEndpoints = endpoints.filter((e) => e.path.startsWith("/v1/") && !isTenantScoped(e) && e.key !== ASSET_UPLOAD);

const call = (e: Endpoint, params: Record<string, string>, token: string, body?: unknown) =>
	api(fill(e.path, params), {
		method: e.method,
		token,
		...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
	});

/** An answer with the identifiers it was asked about blanked: what may differ between two answers. */
async function shape(res: Response, ids: string[]) {
	let text = await res.text();
	for (const id of ids) text = text.replaceAll(id, "<id>");
	return { status: res.status, contentType: res.headers.get("content-type"), body: text };
}

/** What A can see of its own resources; none of it may change when B calls. */
async function stateOf(v: Victim) {
	return {
		script: (await json(await api(`/v1/scripts/${v.script}`, { token: v.a.token }))).script,
		deployments: (await json(await api(`/v1/scripts/${v.script}/deployments`, { token: v.a.token }))).deployments,
		secrets: (await json(await api(`/v1/scripts/${v.script}/secrets`, { token: v.a.token }))).secrets,
		tokens: (await json(await api("/v1/tokens", { token: v.a.token }))).tokens,
		serving: await (await visit(`${v.script}.localhost`)).text(),
		tokenWorks: (await api("/v1/whoami", { token: v.tokenSecret })).status,
		resources: (await json(await api("/v1/resources", { token: v.a.token }))).resources,
		kvValue: await (await api(`/v1/kv/${VICTIM_KV}/values/${VICTIM_KEY}`, { token: v.a.token })).text(),
		r2Object: await (await api(`/v1/r2/${VICTIM_BUCKET}/objects/${VICTIM_KEY}`, { token: v.a.token })).text(),
	};
}

describe("cross-tenant access", () => {
	it("has a case for every tenant-scoped endpoint (the list comes from the app's routes)", () => {
		expect(tenantEndpoints.map((e) => e.key).sort()).toEqual([...Object.keys(SCOPED), ...OWN, GLOBAL_NAME, ASSET_SESSION].sort());
	});

	it.each(Object.keys(SCOPED))("%s: another tenant's resource answers exactly like a missing one and stays as it was", async (key) => {
		const endpoint = tenantEndpoints.find((e) => e.key === key)!;
		const spec = SCOPED[key]!;
		const v = await victim();
		const b = await newTenant("intruder");
		const before = await stateOf(v);
		const theirs = spec.params(v);
		const none = spec.missing();
		const body = spec.body?.(v);
		const answerTheirs = await shape(await call(endpoint, theirs, b.token, body), Object.values(theirs));
		const answerNone = await shape(await call(endpoint, none, b.token, body), Object.values(none));
		expect(answerTheirs.status).toBe(404);
		expect(answerTheirs).toEqual(answerNone);
		expect(await stateOf(v)).toEqual(before);
	});

	it("a rollback of one's own script to another tenant's deployment answers like a missing deployment", async () => {
		const v = await victim();
		const b = await newTenant("intruder");
		const own = uniqueName("intruder");
		await deploy(b.token, own, hello("b v1"));
		await deploy(b.token, own, hello("b v2"));
		const rollback = (deploymentId: string) =>
			api(`/v1/scripts/${own}/rollback`, {
				method: "POST",
				token: b.token,
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ deployment_id: deploymentId }),
			});
		const missing = newId();
		expect(await shape(await rollback(v.v1), [v.v1])).toEqual(await shape(await rollback(missing), [missing]));
		expect(await (await visit(`${own}.localhost`)).text()).toBe("b v2");
	});

	it.each(OWN)("%s answers about the caller only: nothing of another tenant's appears", async (key) => {
		const endpoint = tenantEndpoints.find((e) => e.key === key)!;
		const v = await victim();
		const b = await newTenant("intruder");
		const text = await (await call(endpoint, {}, b.token, endpoint.method === "POST" ? { name: "b-token" } : undefined)).text();
		for (const secret of [v.a.id, v.a.name, v.a.token, v.script, v.v1, v.v2, v.tokenId, v.tokenSecret, VICTIM_KV])
			expect(text).not.toContain(secret);
	});

	it(`${GLOBAL_NAME}: another tenant's live name is name_taken, and its script keeps serving its own code`, async () => {
		const v = await victim();
		const b = await newTenant("intruder");
		const before = await stateOf(v);
		const res = await deploy(b.token, v.script, hello("hijacked"));
		expect(res.status).toBe(409);
		expect((await json(res)).error.code).toBe("name_taken");
		expect(await stateOf(v)).toEqual(before);
	});

	it(`${ASSET_SESSION}: a session under another tenant's name holds none of its files, and changes nothing of it`, async () => {
		const v = await victim();
		const b = await newTenant("intruder");
		const before = await stateOf(v);
		const manifest = { "/a.txt": { hash: "1".repeat(32), size: 3 } };
		const open = (token: string, name: string) =>
			api(`/v1/scripts/${name}/assets-upload-session`, {
				method: "POST",
				token,
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ manifest }),
			});
		const theirs = await json(await open(b.token, v.script));
		const free = await json(await open(b.token, uniqueName("free")));
		// Every file is missing for B in both cases: nothing A holds, or where it deploys, shows.
		expect(theirs.buckets).toEqual([["1".repeat(32)]]);
		expect(theirs.buckets).toEqual(free.buckets);
		expect(await stateOf(v)).toEqual(before);
	});

	it.each(operatorEndpoints.map((e) => [e.key, e] as const))(
		"%s refuses a tenant's token (403) and no token (401)",
		async (_, endpoint) => {
			const v = await victim();
			const params = { id: v.a.id, name: "free" };
			const body = endpoint.method === "GET" ? undefined : {};
			const asTenant = await call(endpoint, params, v.a.token, body);
			expect(asTenant.status).toBe(403);
			expect((await json(asTenant)).error.code).toBe("forbidden");
			const anonymous = await api(fill(endpoint.path, params), { method: endpoint.method });
			expect(anonymous.status).toBe(401);
		},
	);
});
