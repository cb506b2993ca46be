/**
 * The /client/v4 walks (docs/wrangler.md), from the app's route table (./endpoints.ts): on every
 * Cloudflare-compatible endpoint, bad credentials, another tenant's account, another tenant's
 * script, junk path parameters and junk JSON bodies each answer a client error in Cloudflare's
 * envelope (never a 5xx, a stack or Ferry's own error shape), exactly as for something missing, and
 * change nothing.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { versionIdOf } from "../../../workers/api/src/client-v4/ids";
import { api, deploy, hello, json, newTenant, uniqueName, visit } from "../../workers/platform";
import { BAD_AUTHORIZATIONS, clientV4Endpoints, type Endpoint, fill } from "./endpoints";

/** Asserts a client error in Cloudflare's envelope; returns its first code. */
async function cloudflareError(res: Response, what: string): Promise<number> {
	const text = await res.text();
	expect(res.status, `${what}: ${text}`).toBeGreaterThanOrEqual(400);
	expect(res.status, `${what}: ${text}`).toBeLessThan(500);
	expect(res.headers.get("content-type"), what).toContain("application/json");
	const body = JSON.parse(text) as { success: boolean; errors: { code: number; message: string }[]; messages: unknown[]; result: unknown };
	expect(body, what).toMatchObject({ success: false, messages: [], result: null });
	expect(body.errors.length, what).toBeGreaterThan(0);
	for (const error of body.errors) {
		expect(Object.keys(error).sort(), what).toEqual(["code", "message"]);
		expect(typeof error.code, what).toBe("number");
	}
	expect(text, what).not.toMatch(/workers\/api|workers\/shared|dispatch\/src|node_modules|\.ts:\d+|\n\s+at /);
	return body.errors[0]!.code;
}

/** The endpoints whose body is JSON, each with a body it would accept. */
const JSON_BODIES: Record<string, unknown> = {
	"POST /client/v4/accounts/:account_id/workers/scripts/:name/subdomain": { enabled: true, previews_enabled: true },
	"PATCH /client/v4/accounts/:account_id/workers/scripts/:name/script-settings": { logpush: false },
	"POST /client/v4/accounts/:account_id/workers/scripts/:name/assets-upload-session": {
		manifest: { "/a.txt": { hash: "0123456789abcdef0123456789abcdef", size: 1 } },
	},
	"POST /client/v4/accounts/:account_id/workers/scripts/:name/deployments": {
		strategy: "percentage",
		versions: [{ version_id: versionIdOf("missing"), percentage: 100 }],
	},
	"PUT /client/v4/accounts/:account_id/workers/scripts/:name/schedules": [],
	"POST /client/v4/accounts/:account_id/workers/scripts/:name/tails": { filters: [{ sampling_rate: 0.5 }] },
	"PUT /client/v4/accounts/:account_id/workers/scripts/:name/secrets": { name: "API_KEY", text: "value", type: "secret_text" },
	"PATCH /client/v4/accounts/:account_id/workers/scripts/:name/secrets-bulk": {
		secrets: { API_KEY: { name: "API_KEY", text: "value", type: "secret_text" } },
	},
	"POST /client/v4/accounts/:account_id/storage/kv/namespaces": { title: "cf-namespace" },
	"POST /client/v4/accounts/:account_id/d1/database": { name: "cf-database" },
	"POST /client/v4/accounts/:account_id/r2/buckets": { name: "cf-bucket" },
	"POST /client/v4/accounts/:account_id/d1/database/:name/query": { sql: "SELECT 1" },
};
/** Uploads: multipart, refused for another tenant's script before the body is read. */
const MULTIPART = [
	"PUT /client/v4/accounts/:account_id/workers/scripts/:name",
	"POST /client/v4/accounts/:account_id/workers/scripts/:name/versions",
];
/** A bucket of assets: multipart, and its credential is the upload session's token, never a tenant's (its own case below). */
const ASSET_UPLOAD = "POST /client/v4/accounts/:account_id/workers/assets/upload";
/** wrangler sends a tail's filters and a bucket's creation as a string body, so `text/plain`: those endpoints take it as JSON (docs/wrangler.md). */
const TEXT_JSON = ["POST /client/v4/accounts/:account_id/workers/scripts/:name/tails", "POST /client/v4/accounts/:account_id/r2/buckets"];
/** Names are hostnames, global to the platform: an upload to another tenant's name is refused as taken. */
const GLOBAL_NAME = "PUT /client/v4/accounts/:account_id/workers/scripts/:name";

const accountScoped = clientV4Endpoints.filter((e) => e.path.includes(":account_id") && e.key !== ASSET_UPLOAD);
const byName = accountScoped.filter((e) => e.path.includes(":name"));
const bodyOf = (e: Endpoint) => (e.key in JSON_BODIES ? JSON.stringify(JSON_BODIES[e.key]) : undefined);

function call(e: Endpoint, params: Record<string, string>, token: string | undefined, init: RequestInit = {}) {
	const body = bodyOf(e);
	return api(fill(e.path, params), {
		method: e.method,
		...(token ? { token } : {}),
		...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body }),
		...init,
	});
}

/** An answer with the identifiers it was asked about blanked (and tokens, which are new each time). */
async function shape(res: Response, ids: string[]) {
	let text = (await res.text()).replace(/"jwt":"[^"]+"/g, '"jwt":"<jwt>"');
	for (const id of ids) text = text.replaceAll(id, "<id>");
	return { status: res.status, body: text };
}

/** Alice's script with two Deployed deployments, v2 live; and what of it may never change. */
async function victim() {
	const alice = await newTenant("cf-victim");
	const script = uniqueName("cf-victim");
	const v1 = (await json(await deploy(alice.token, script, hello("v1")))).deployment.id as string;
	const v2 = (await json(await deploy(alice.token, script, hello("v2")))).deployment.id as string;
	const state = async () => ({
		deployments: (await json(await api(`/v1/scripts/${script}/deployments`, { token: alice.token }))).deployments,
		serving: await (await visit(`${script}.localhost`)).text(),
		secrets: (await json(await api(`/v1/scripts/${script}/secrets`, { token: alice.token }))).secrets,
	});
	return { alice, script, v1, v2, state };
}

describe("/client/v4 walks", () => {
	it("knows every JSON and multipart endpoint (the list comes from the app's routes)", () => {
		const withBody = clientV4Endpoints.filter((e) => ["POST", "PUT", "PATCH"].includes(e.method)).map((e) => e.key);
		expect(withBody.sort()).toEqual([...Object.keys(JSON_BODIES), ...MULTIPART, ASSET_UPLOAD].sort());
	});

	it(`${ASSET_UPLOAD}: a session's token reaches its own account only; another's answers like a missing one`, async () => {
		const v = await victim();
		const bob = await newTenant("cf-intruder");
		const session = await api(`/client/v4/accounts/${bob.id}/workers/scripts/${uniqueName("cf-assets")}/assets-upload-session`, {
			method: "POST",
			token: bob.token,
			headers: { "content-type": "application/json" },
			body: JSON.stringify(JSON_BODIES["POST /client/v4/accounts/:account_id/workers/scripts/:name/assets-upload-session"]),
		});
		const { jwt } = ((await session.json()) as { result: { jwt: string } }).result;
		const upload = (account: string, token: string) =>
			api(fill(clientV4Endpoints.find((e) => e.key === ASSET_UPLOAD)!.path, { account_id: account }), {
				method: "POST",
				token,
				body: new FormData(),
			});
		const theirs = await shape(await upload(v.alice.id, jwt), [v.alice.id]);
		expect(theirs.status).toBe(403);
		expect(theirs).toEqual(await shape(await upload("no-such-account", jwt), ["no-such-account"]));
		// A tenant's API token is not an upload credential, on its own account either.
		expect(await cloudflareError(await upload(bob.id, bob.token), "a tenant token")).toBe(10000);
	});

	it.each(clientV4Endpoints.map((e) => [e.key, e] as const))("%s: bad credentials are 400 or 401", async (_, e) => {
		const path = fill(e.path, { account_id: "x", name: "x", version_id: "x", secret: "x", tail_id: "x" });
		for (const authorization of BAD_AUTHORIZATIONS) {
			const res = await api(path, { method: e.method, headers: { authorization } });
			const code = await cloudflareError(res, `${e.key} with '${authorization.slice(0, 20)}'`);
			expect([9106, 10000]).toContain(code);
		}
	});

	it.each(accountScoped.map((e) => [e.key, e] as const))(
		"%s: another tenant's account answers exactly like a missing one (403) and changes nothing",
		async (_, e) => {
			const v = await victim();
			const bob = await newTenant("cf-intruder");
			const before = await v.state();
			const params = { name: v.script, version_id: versionIdOf(v.v1), secret: "API_KEY", tail_id: "x" };
			const theirs = await shape(await call(e, { ...params, account_id: v.alice.id }, bob.token), [v.alice.id]);
			const none = await shape(await call(e, { ...params, account_id: "no-such-account" }, bob.token), ["no-such-account"]);
			expect(theirs.status).toBe(403);
			expect(theirs).toEqual(none);
			expect(await v.state()).toEqual(before);
		},
	);

	it.each(byName.filter((e) => e.key !== GLOBAL_NAME).map((e) => [e.key, e] as const))(
		"%s: another tenant's script answers exactly like a missing one and changes nothing",
		async (_, e) => {
			const v = await victim();
			const bob = await newTenant("cf-intruder");
			const before = await v.state();
			const missing = uniqueName("nobody");
			const theirs = await shape(
				await call(e, { account_id: bob.id, name: v.script, version_id: versionIdOf(v.v1), secret: "API_KEY", tail_id: "x" }, bob.token),
				[v.script],
			);
			const none = await shape(
				await call(e, { account_id: bob.id, name: missing, version_id: versionIdOf(v.v1), secret: "API_KEY", tail_id: "x" }, bob.token),
				[missing],
			);
			expect(theirs).toEqual(none);
			expect(await v.state()).toEqual(before);
		},
	);

	it(`${GLOBAL_NAME}: another tenant's live name is taken, and its script keeps serving`, async () => {
		const v = await victim();
		const bob = await newTenant("cf-intruder");
		const before = await v.state();
		const form = new FormData();
		form.set("metadata", JSON.stringify({ main_module: "index.js" }));
		form.set("index.js", new File([hello("hijacked")], "index.js", { type: "application/javascript+module" }));
		const res = await api(`/client/v4/accounts/${bob.id}/workers/scripts/${v.script}`, { method: "PUT", token: bob.token, body: form });
		expect(res.status).toBe(409);
		expect(await cloudflareError(res, "taken name")).toBe(10016);
		expect(await v.state()).toEqual(before);
	});

	it.each(accountScoped.filter((e) => /:name|:version_id/.test(e.path)).map((e) => [e.key, e] as const))(
		"%s: junk path parameters are client errors and create nothing",
		async (_, e) => {
			const t = await newTenant("cf-junk");
			for (const junk of ["x".repeat(300), "UPPER", "%C3%A9t%C3%A9", "a%2Fb", "%00", "-", "%20", "'%20OR%201=1--"]) {
				const path = fill(e.path, {
					account_id: t.id,
					name: "placeholder",
					version_id: "placeholder",
					secret: "placeholder",
					tail_id: "placeholder",
				}).replace(/placeholder/g, junk);
				const body = bodyOf(e);
				const res = await api(path, {
					method: e.method,
					token: t.token,
					...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body }),
				});
				await cloudflareError(res, `${e.key} with ${junk}`);
			}
			const created = await env.DB.prepare("SELECT count(*) AS n FROM scripts WHERE tenant_id = ?1").bind(t.id).first<{ n: number }>();
			expect(created?.n).toBe(0);
		},
	);

	it.each(Object.keys(JSON_BODIES))("%s: junk JSON bodies are client errors", async (key) => {
		const e = clientV4Endpoints.find((x) => x.key === key)!;
		const v = await victim();
		const before = await v.state();
		for (const body of [
			"{nope",
			"[]",
			"null",
			'"text"',
			"42",
			'{"enabled":"yes","versions":{},"logpush":7}',
			JSON.stringify({ x: "x".repeat(70_000) }),
			// The body the endpoint takes is not junk (`[]` is an empty list of schedules).
		].filter((junk) => junk !== JSON.stringify(JSON_BODIES[key]))) {
			const res = await api(fill(e.path, { account_id: v.alice.id, name: v.script }), {
				method: e.method,
				token: v.alice.token,
				headers: { "content-type": "application/json" },
				body,
			});
			await cloudflareError(res, `${key} with ${body.slice(0, 20)}`);
		}
		const form = await api(fill(e.path, { account_id: v.alice.id, name: v.script }), {
			method: e.method,
			token: v.alice.token,
			headers: { "content-type": "text/plain" },
			body: TEXT_JSON.includes(key) ? JSON.stringify(JSON_BODIES[key]) : "{}",
		});
		if (TEXT_JSON.includes(key)) expect(form.status, "wrangler's text/plain JSON").toBe(200);
		else {
			expect(form.status).toBe(415);
			await cloudflareError(form, `${key} as text/plain`);
		}
		expect(await v.state()).toEqual(before);
	});
});
