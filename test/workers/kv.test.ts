/**
 * KV namespaces declared by a tenant's upload (docs/bindings.md): provisioned per tenant on first
 * deploy, bound in `env` through the dispatcher's FerryKV, the data in the resources Worker's
 * per-namespace store; the Workers KV API unchanged; data kept across redeploys, rollbacks and
 * previews; another tenant's equal name is another namespace; managed through /v1/resources and /v1/kv.
 */
import { describe, expect, it } from "vitest";
import { api, deploy, json, newTenant, uniqueName, visit } from "./platform";

/** A Worker that runs one KV call per path and answers with its result as JSON (or the error's message). */
const KV_WORKER = `export default {
	async fetch(request, env) {
		const url = new URL(request.url);
		const q = (name) => url.searchParams.get(name);
		const kv = env.CACHE;
		try {
			switch (url.pathname) {
				case "/put": {
					const options = {};
					if (q("ttl")) options.expirationTtl = Number(q("ttl"));
					if (q("expiration")) options.expiration = Number(q("expiration"));
					if (q("metadata")) options.metadata = JSON.parse(q("metadata"));
					const value = q("size") ? new Uint8Array(Number(q("size"))) : q("stream") ? new Response(q("value")).body : q("value");
					await kv.put(q("key"), value, options);
					return Response.json({ ok: true });
				}
				case "/get":
					if (q("type") === "arrayBuffer") return Response.json([...new Uint8Array(await kv.get(q("key"), "arrayBuffer"))]);
					if (q("type") === "stream") return new Response(await kv.get(q("key"), { type: "stream" }));
					return Response.json({ value: await kv.get(q("key"), q("type") ?? undefined) });
				case "/many":
					return Response.json(Object.fromEntries(await kv.get(q("keys").split(","), "json")));
				case "/meta":
					return Response.json(await kv.getWithMetadata(q("key")));
				case "/list":
					return Response.json(await kv.list({ prefix: q("prefix") ?? undefined, cursor: q("cursor") ?? undefined, limit: q("limit") ? Number(q("limit")) : undefined }));
				case "/delete":
					await kv.delete(q("key"));
					return Response.json({ ok: true });
				case "/env":
					return Response.json(Object.keys(env).sort());
			}
			return new Response("no such call", { status: 404 });
		} catch (error) {
			return Response.json({ error: error.message }, { status: 400 });
		}
	},
};`;

const KV_BINDING = { type: "kv_namespace", name: "CACHE", namespace_id: "cache" };

async function deployed(t: { token: string }, name = uniqueName(), source = KV_WORKER, bindings: unknown[] = [KV_BINDING]) {
	const res = await deploy(t.token, name, source, { bindings });
	if (res.status !== 200) throw new Error(`deploy failed: ${res.status} ${await res.text()}`);
	return { name, deployment: (await json(res)).deployment as { id: string } };
}

const call = async (host: string, path: string) => {
	const res = await visit(`${host}.localhost`, path);
	return { status: res.status, body: await json(res) };
};

describe("KV namespaces", () => {
	it("serve the Workers KV API to unchanged tenant code", async () => {
		const t = await newTenant();
		const { name } = await deployed(t);
		expect((await call(name, "/env")).body).toEqual(["CACHE"]);
		expect((await call(name, "/get?key=missing")).body).toEqual({ value: null });

		await call(name, `/put?key=greeting&value=hello&metadata=${encodeURIComponent('{"by":"test"}')}`);
		expect((await call(name, "/get?key=greeting")).body).toEqual({ value: "hello" });
		expect((await call(name, "/get?key=greeting&type=arrayBuffer")).body).toEqual([...new TextEncoder().encode("hello")]);
		expect(await (await visit(`${name}.localhost`, "/get?key=greeting&type=stream")).text()).toBe("hello");
		expect((await call(name, "/meta?key=greeting")).body).toEqual({ value: "hello", metadata: { by: "test" }, cacheStatus: null });
		expect((await call(name, "/meta?key=missing")).body).toEqual({ value: null, metadata: null, cacheStatus: null });

		await call(name, `/put?key=doc&value=${encodeURIComponent('{"n":1}')}&stream=1`);
		expect((await call(name, "/get?key=doc&type=json")).body).toEqual({ value: { n: 1 } });
		expect((await call(name, "/many?keys=doc,missing")).body).toEqual({ doc: { n: 1 }, missing: null });

		const expiration = Math.floor(Date.now() / 1000) + 3600;
		await call(name, `/put?key=a1&value=x&expiration=${expiration}`);
		await call(name, "/put?key=a2&value=x&ttl=120");
		await call(name, "/put?key=b1&value=x");
		const first = (await call(name, "/list?prefix=a&limit=1")).body;
		expect(first).toEqual({ keys: [{ name: "a1", expiration }], list_complete: false, cursor: expect.any(String), cacheStatus: null });
		const second = (await call(name, `/list?prefix=a&limit=1&cursor=${encodeURIComponent(first.cursor)}`)).body;
		expect(second.keys).toEqual([{ name: "a2", expiration: expect.any(Number) }]);
		expect(second.list_complete).toBe(true);
		expect((await call(name, "/list")).body.keys.map((k: { name: string }) => k.name)).toEqual(["a1", "a2", "b1", "doc", "greeting"]);
		expect((await call(name, "/list")).body.keys.at(-1)).toEqual({ name: "greeting", metadata: { by: "test" } });

		await call(name, "/delete?key=greeting");
		expect((await call(name, "/get?key=greeting")).body).toEqual({ value: null });
	});

	it("refuse what KV refuses, with KV's messages", async () => {
		const t = await newTenant();
		const { name } = await deployed(t);
		expect((await call(name, `/put?key=${"k".repeat(513)}&value=x`)).body).toEqual({
			error: "KV PUT failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512.",
		});
		expect((await call(name, `/put?key=big&size=${25 * 1024 * 1024 + 1}`)).body).toEqual({
			error: `KV PUT failed: 413 Value length of ${25 * 1024 * 1024 + 1} exceeds limit of ${25 * 1024 * 1024}.`,
		});
		expect((await call(name, "/put?key=k&value=x&ttl=10")).body).toEqual({
			error: "KV PUT failed: 400 Invalid expiration_ttl of 10. Expiration TTL must be at least 60.",
		});
		expect((await call(name, `/put?key=k&value=x&metadata=${encodeURIComponent(JSON.stringify("m".repeat(1100)))}`)).body).toEqual({
			error: "KV PUT failed: 413 Metadata length of 1102 exceeds limit of 1024.",
		});
		expect((await call(name, "/list?limit=1001")).body).toEqual({
			error: "KV LIST failed: 400 Invalid key_count_limit of 1001. Please specify an integer less than 1000.",
		});
		expect((await call(name, "/get?key=")).body).toEqual({ error: "KV GET failed: 400 Key names must not be empty" });
	});

	it("keep their data across redeploys, rollbacks and previews", async () => {
		const t = await newTenant();
		const { name, deployment: first } = await deployed(t);
		await call(name, "/put?key=k&value=v1");
		const { deployment: second } = await deployed(t, name);
		expect((await call(name, "/get?key=k")).body).toEqual({ value: "v1" });
		await call(name, "/put?key=k&value=v2");
		const back = await api(`/v1/scripts/${name}/rollback`, { method: "POST", token: t.token });
		expect(back.status).toBe(200);
		expect((await call(name, "/get?key=k")).body).toEqual({ value: "v2" });
		// A preview of either deployment sees the live data: a namespace is the tenant's, not a deployment's.
		expect((await call(`${first.id}--${name}`, "/get?key=k")).body).toEqual({ value: "v2" });
		expect((await call(`${second.id}--${name}`, "/get?key=k")).body).toEqual({ value: "v2" });
		// Another script of the same tenant binding the same namespace shares it.
		const { name: other } = await deployed(t, uniqueName(), KV_WORKER, [{ ...KV_BINDING, name: "CACHE" }]);
		expect((await call(other, "/get?key=k")).body).toEqual({ value: "v2" });
	});

	it("are the tenant's own: another tenant's equal name is another namespace, unreachable by any name", async () => {
		const a = await newTenant();
		const b = await newTenant();
		const { name: aScript } = await deployed(a);
		const { name: bScript } = await deployed(b);
		await call(aScript, "/put?key=secret&value=a-only");
		expect((await call(bScript, "/get?key=secret")).body).toEqual({ value: null });
		expect((await call(bScript, "/list")).body.keys).toEqual([]);
		// Names that look like another tenant's store key are just names in b's own space.
		for (const guess of [`${a.id}-cache`, "cache/..", `${a.id}/kv_namespace/cache`]) {
			const res = await deploy(b.token, uniqueName(), KV_WORKER, { bindings: [{ ...KV_BINDING, namespace_id: guess }] });
			if (res.status === 200) {
				const script = (await json(res)).deployment.script as string;
				expect((await call(script, "/get?key=secret")).body).toEqual({ value: null });
			} else expect(res.status).toBe(400);
		}
		// The API: b's "cache" is b's own store, which has no such key; a's answers as before.
		const fromB = await api("/v1/kv/cache/values/secret", { token: b.token });
		expect(fromB.status).toBe(404);
		expect((await json(fromB)).error.message).toBe("key 'secret' not found in KV namespace 'cache'");
		expect((await json(await api("/v1/kv/cache/keys", { token: b.token }))).keys).toEqual([]);
		expect(await (await api("/v1/kv/cache/values/secret", { token: a.token })).text()).toBe("a-only");
		// A tenant that never declared "cache" gets the answer of a missing namespace.
		const c = await newTenant();
		for (const path of ["/v1/kv/cache/keys", "/v1/kv/cache/values/secret"]) {
			const res = await api(path, { token: c.token });
			expect(res.status).toBe(404);
			expect((await json(res)).error.message).toBe("KV namespace 'cache' not found");
		}
		expect((await api("/v1/resources/kv_namespace/cache", { method: "DELETE", token: c.token })).status).toBe(404);
		expect(await (await api("/v1/kv/cache/values/secret", { token: a.token })).text()).toBe("a-only");
	});

	it("are listed and managed through the API, and deleted only when asked", async () => {
		const t = await newTenant();
		const { name } = await deployed(t);
		await call(name, "/put?key=one&value=1");
		const listed = await json(await api("/v1/resources", { token: t.token }));
		expect(listed.resources).toEqual([{ type: "kv_namespace", name: "cache", created_at: expect.any(String), keys: 1, bytes: 1 }]);

		const put = await api("/v1/kv/cache/values/two?metadata=%7B%22a%22%3A1%7D&expiration_ttl=600", {
			method: "PUT",
			token: t.token,
			body: "22",
		});
		expect(await json(put)).toEqual({ key: "two", bytes: 2 });
		expect((await call(name, "/meta?key=two")).body).toEqual({ value: "22", metadata: { a: 1 }, cacheStatus: null });
		const keys = await json(await api("/v1/kv/cache/keys?prefix=t", { token: t.token }));
		expect(keys).toEqual({ keys: [{ name: "two", expiration: expect.any(Number), metadata: { a: 1 } }], list_complete: true });
		const slash = await api(`/v1/kv/cache/values/${encodeURIComponent("a/b")}`, { method: "PUT", token: t.token, body: "s" });
		expect(slash.status).toBe(200);
		expect((await call(name, "/get?key=a%2Fb")).body).toEqual({ value: "s" });
		expect(await json(await api("/v1/kv/cache/values/two", { method: "DELETE", token: t.token }))).toEqual({ deleted: "two" });
		expect((await api("/v1/kv/cache/values/two", { token: t.token })).status).toBe(404);
		const tooLong = await api(`/v1/kv/cache/values/${"k".repeat(513)}`, { method: "PUT", token: t.token, body: "x" });
		expect(tooLong.status).toBe(400);
		expect((await json(tooLong)).error.message).toBe("UTF-8 encoded length of 513 exceeds key length limit of 512.");

		// Deleting the script leaves the namespace and its data; deleting the namespace deletes them.
		expect((await api(`/v1/scripts/${name}`, { method: "DELETE", token: t.token })).status).toBe(200);
		expect((await json(await api("/v1/resources", { token: t.token }))).resources).toHaveLength(1);
		expect(await (await api("/v1/kv/cache/values/one", { token: t.token })).text()).toBe("1");
		const deleted = await api("/v1/resources/kv_namespace/cache", { method: "DELETE", token: t.token });
		expect(await json(deleted)).toEqual({ deleted: { type: "kv_namespace", name: "cache" } });
		expect((await json(await api("/v1/resources", { token: t.token }))).resources).toEqual([]);
		// Declared again, it starts empty.
		const { name: again } = await deployed(t);
		expect((await call(again, "/get?key=one")).body).toEqual({ value: null });
	});

	it("refuse bad bindings at upload", async () => {
		const t = await newTenant();
		const refused = async (bindings: unknown[], status: number, message: RegExp) => {
			const res = await deploy(t.token, uniqueName(), KV_WORKER, { bindings });
			expect(res.status).toBe(status);
			expect((await json(res)).error.message).toMatch(message);
		};
		await refused([KV_BINDING, { ...KV_BINDING, namespace_id: "other" }], 400, /binding 'CACHE' is given twice/);
		await refused([KV_BINDING, { type: "plain_text", name: "CACHE", text: "x" }], 400, /binding 'CACHE' is given twice/);
		await refused([{ type: "kv_namespace", name: "CACHE" }], 400, /needs namespace_id/);
		await refused([{ ...KV_BINDING, namespace_id: "a/b" }], 400, /namespace_id names a namespace in your own space/);
		await refused([{ type: "kv_namespaces", name: "CACHE" }], 400, /type 'kv_namespaces', which Ferry does not know/);
	});
});
