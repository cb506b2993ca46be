/**
 * R2 buckets declared by a tenant's upload (docs/bindings.md): provisioned per tenant on first
 * deploy, bound in `env` through the dispatcher's FerryR2 and the isolate's R2 module, the objects
 * in the resources Worker's tenant bucket (a key prefix of one real local R2 bucket); R2's API
 * unchanged, and no key, prefix or name of one tenant reaching another's objects.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, deploy, json, newTenant, uniqueName, visit } from "./platform";

/** A Worker that runs one R2 call per path and answers with what it saw (or the error's message). */
const R2_WORKER = `export default {
	async fetch(request, env) {
		const url = new URL(request.url);
		const q = (name) => url.searchParams.get(name);
		const bucket = env.ASSETS;
		const shown = (o) => o && { key: o.key, size: o.size, etag: o.etag, httpEtag: o.httpEtag, uploaded: o.uploaded instanceof Date,
			httpMetadata: o.httpMetadata, customMetadata: o.customMetadata, range: o.range ?? null, md5: o.checksums.toJSON().md5 ?? null, hasBody: "body" in o };
		try {
			switch (url.pathname) {
				case "/put": {
					const options = {};
					if (q("type")) options.httpMetadata = q("headers") ? new Headers({ "content-type": q("type") }) : { contentType: q("type") };
					if (q("meta")) options.customMetadata = JSON.parse(q("meta"));
					if (q("md5")) options.md5 = q("md5");
					if (q("ifMatch")) options.onlyIf = { etagMatches: q("ifMatch") };
					const value = q("size") ? new Uint8Array(Number(q("size"))) : q("stream") ? request.body : q("value");
					return Response.json(shown(await bucket.put(q("key"), value, options)));
				}
				case "/get": {
					const options = {};
					if (q("offset") || q("length")) options.range = { offset: q("offset") ? Number(q("offset")) : undefined, length: q("length") ? Number(q("length")) : undefined };
					if (q("suffix")) options.range = { suffix: Number(q("suffix")) };
					if (q("etag")) options.onlyIf = { etagMatches: q("etag") };
					if (q("notEtag")) options.onlyIf = { etagDoesNotMatch: q("notEtag") };
					if (q("headers")) options.onlyIf = request.headers;
					const object = await bucket.get(q("key"), options);
					if (!object) return Response.json(null, { status: 404 });
					if (!("body" in object)) return Response.json({ preconditionFailed: shown(object) }, { status: 412 });
					const headers = new Headers();
					object.writeHttpMetadata(headers);
					headers.set("etag", object.httpEtag);
					headers.set("x-object", JSON.stringify(shown(object)));
					if (q("as") === "json") return Response.json(await object.json(), { headers });
					if (q("as") === "text") return new Response(await object.text(), { headers });
					return new Response(object.body, { headers });
				}
				case "/head":
					return Response.json(shown(await bucket.head(q("key"))));
				case "/list": {
					const listed = await bucket.list({ prefix: q("prefix") ?? undefined, delimiter: q("delimiter") ?? undefined,
						cursor: q("cursor") ?? undefined, limit: q("limit") ? Number(q("limit")) : undefined, include: q("include") ? q("include").split(",") : undefined });
					return Response.json({ keys: listed.objects.map((o) => o.key), prefixes: listed.delimitedPrefixes, truncated: listed.truncated,
						cursor: listed.cursor ?? null, first: listed.objects[0] ? { httpMetadata: listed.objects[0].httpMetadata, customMetadata: listed.objects[0].customMetadata } : null });
				}
				case "/delete":
					await bucket.delete(q("keys").includes(",") ? q("keys").split(",") : q("keys"));
					return Response.json({ ok: true });
				case "/multipart":
					await bucket.createMultipartUpload("big");
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

const R2_BINDING = { type: "r2_bucket", name: "ASSETS", bucket_name: "assets" };

async function deployed(t: { token: string }, name = uniqueName(), bindings: unknown[] = [R2_BINDING]) {
	const res = await deploy(t.token, name, R2_WORKER, { bindings });
	if (res.status !== 200) throw new Error(`deploy failed: ${res.status} ${await res.text()}`);
	return { name, deployment: (await json(res)).deployment as { id: string } };
}

const call = async (host: string, path: string, init?: RequestInit) => {
	const res = await visit(`${host}.localhost`, path, init);
	return { status: res.status, headers: res.headers, body: await json(res) };
};

const md5Hex = async (text: string) => {
	// workerd's crypto.subtle has MD5 (a Workers extension), as R2's etag is.
	const digest = await crypto.subtle.digest("MD5", new TextEncoder().encode(text));
	return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
};

describe("R2 buckets", () => {
	it("serve R2's API to unchanged tenant code: put, get with metadata, head, delete", async () => {
		const t = await newTenant();
		const { name } = await deployed(t);
		expect((await call(name, "/env")).body).toEqual(["ASSETS"]);
		expect((await call(name, "/get?key=missing")).status).toBe(404);
		expect((await call(name, "/head?key=missing")).body).toBeNull();

		const etag = await md5Hex("hello world");
		const put = await call(
			name,
			`/put?key=docs/hello.txt&value=hello%20world&type=text/plain&meta=${encodeURIComponent('{"by":"test"}')}&md5=${etag}`,
		);
		expect(put.body).toEqual({
			key: "docs/hello.txt",
			size: 11,
			etag,
			httpEtag: `"${etag}"`,
			uploaded: true,
			httpMetadata: { contentType: "text/plain" },
			customMetadata: { by: "test" },
			range: null,
			md5: etag,
			hasBody: false,
		});
		const got = await visit(`${name}.localhost`, "/get?key=docs/hello.txt");
		expect(await got.text()).toBe("hello world");
		// writeHttpMetadata filled the Worker's own Headers.
		expect(got.headers.get("content-type")).toBe("text/plain");
		expect(got.headers.get("etag")).toBe(`"${etag}"`);
		expect((await call(name, "/head?key=docs/hello.txt")).body).toMatchObject({ key: "docs/hello.txt", size: 11, etag, hasBody: false });

		await call(name, `/put?key=doc.json&stream=1&type=application/json&headers=1`, { method: "POST", body: '{"n":1}' });
		const doc = await visit(`${name}.localhost`, "/get?key=doc.json&as=json");
		expect(await doc.json()).toEqual({ n: 1 });
		expect(doc.headers.get("content-type")).toBe("application/json");

		// A wrong md5 is R2's refusal, in the tenant's code.
		expect((await call(name, `/put?key=bad&value=x&md5=${etag}`)).body.error).toMatch(
			/^put: The MD5 checksum you specified did not match what we received/,
		);
		await call(name, "/delete?keys=docs/hello.txt");
		expect((await call(name, "/get?key=docs/hello.txt")).status).toBe(404);
	});

	it("read ranges and honour conditionals, from R2Range, R2Conditional or Headers", async () => {
		const t = await newTenant();
		const { name } = await deployed(t);
		const { etag } = (await call(name, "/put?key=abc&value=abcdefghij")).body;
		const text = async (path: string) => (await visit(`${name}.localhost`, path)).text();
		expect(await text("/get?key=abc&offset=2&length=3&as=text")).toBe("cde");
		expect(await text("/get?key=abc&offset=7&as=text")).toBe("hij");
		expect(await text("/get?key=abc&suffix=4&as=text")).toBe("ghij");
		const ranged = await visit(`${name}.localhost`, "/get?key=abc&offset=2&length=3");
		expect(JSON.parse(ranged.headers.get("x-object")!).range).toEqual({ offset: 2, length: 3 });

		expect(await text(`/get?key=abc&etag=${etag}&as=text`)).toBe("abcdefghij");
		const failed = await call(name, "/get?key=abc&etag=0123");
		expect(failed.status).toBe(412);
		expect(failed.body.preconditionFailed).toMatchObject({ key: "abc", etag, hasBody: false });
		expect((await call(name, `/get?key=abc&notEtag=${etag}`)).status).toBe(412);
		expect((await call(name, "/get?key=abc&headers=1", { headers: { "if-none-match": `"${etag}"` } })).status).toBe(412);
		expect(await text("/get?key=abc&headers=1&as=text")).toBe("abcdefghij");
		// A conditional put that does not hold stores nothing and answers null.
		expect((await call(name, "/put?key=abc&value=new&ifMatch=0123")).body).toBeNull();
		expect(await text("/get?key=abc&as=text")).toBe("abcdefghij");
	});

	it("list with prefix, delimiter, cursor, limit and include, and delete many", async () => {
		const t = await newTenant();
		const { name } = await deployed(t);
		for (const key of ["a/1", "a/2", "a/b/3", "c", "d/4"])
			await call(name, `/put?key=${key}&value=x&type=text/plain&meta=%7B%22k%22%3A%22v%22%7D`);
		expect((await call(name, "/list")).body).toMatchObject({ keys: ["a/1", "a/2", "a/b/3", "c", "d/4"], prefixes: [], truncated: false });
		expect((await call(name, "/list?delimiter=/")).body).toMatchObject({ keys: ["c"], prefixes: ["a/", "d/"] });
		expect((await call(name, "/list?prefix=a/&delimiter=/")).body).toMatchObject({ keys: ["a/1", "a/2"], prefixes: ["a/b/"] });
		const first = (await call(name, "/list?limit=2")).body;
		expect(first).toMatchObject({ keys: ["a/1", "a/2"], truncated: true, cursor: expect.any(String) });
		const rest = (await call(name, `/list?cursor=${encodeURIComponent(first.cursor)}`)).body;
		expect(rest).toMatchObject({ keys: ["a/b/3", "c", "d/4"], truncated: false });
		expect((await call(name, "/list?limit=1")).body.first).toEqual({ httpMetadata: {}, customMetadata: {} });
		expect((await call(name, "/list?limit=1&include=httpMetadata,customMetadata")).body.first).toEqual({
			httpMetadata: { contentType: "text/plain" },
			customMetadata: { k: "v" },
		});
		await call(name, "/delete?keys=a/1,a/2,c");
		expect((await call(name, "/list")).body.keys).toEqual(["a/b/3", "d/4"]);
	});

	it("refuse what Ferry's R2 refuses, in R2's words", async () => {
		const t = await newTenant();
		const { name } = await deployed(t);
		expect((await call(name, `/put?key=${"k".repeat(1001)}&value=x`)).body).toEqual({
			error: "put: The specified object name is not valid. (10020)",
		});
		expect((await call(name, `/get?key=${"k".repeat(1001)}`)).body).toEqual({
			error: "get: The specified object name is not valid. (10020)",
		});
		expect((await call(name, `/put?key=big&size=${100 * 1024 * 1024 + 1}`)).body).toEqual({
			error: "put: Your proposed upload exceeds the maximum allowed object size. (100100)",
		});
		expect((await call(name, "/list?limit=1001")).body).toEqual({
			error: "list: MaxKeys params must be positive integer <= 1000. (10022)",
		});
		expect((await call(name, "/multipart")).body.error).toMatch(/multipart uploads are not supported by Ferry/);
	});

	it("keep their objects across redeploys and previews, shared by the tenant's scripts", async () => {
		const t = await newTenant();
		const { name, deployment: first } = await deployed(t);
		await call(name, "/put?key=k&value=v1");
		await deployed(t, name);
		expect(await (await visit(`${name}.localhost`, "/get?key=k")).text()).toBe("v1");
		expect(await (await visit(`${first.id}--${name}.localhost`, "/get?key=k")).text()).toBe("v1");
		const { name: other } = await deployed(t, uniqueName(), [{ ...R2_BINDING, name: "ASSETS" }]);
		expect(await (await visit(`${other}.localhost`, "/get?key=k")).text()).toBe("v1");
	});

	it("are the tenant's own: another tenant's ASSETS is another bucket, no key or prefix reaches it", async () => {
		const a = await newTenant();
		const b = await newTenant();
		const { name: aScript } = await deployed(a);
		const { name: bScript } = await deployed(b);
		await call(aScript, "/put?key=secret&value=a-only");
		expect((await call(bScript, "/get?key=secret")).status).toBe(404);
		expect((await call(bScript, "/list")).body.keys).toEqual([]);
		// Keys are strings in b's own bucket, never paths out of it.
		for (const key of ["../secret", "../../secret", `../${a.id}/secret`, "/secret", "%2e%2e/secret"]) {
			expect((await call(bScript, `/get?key=${encodeURIComponent(key)}`)).status).toBe(404);
			expect((await call(bScript, `/head?key=${encodeURIComponent(key)}`)).body).toBeNull();
		}
		// The store's own keys (prefix, key) never show: a's listing sees a's keys as a put them.
		expect((await call(aScript, "/list")).body.keys).toEqual(["secret"]);
		const [stored] = (await env.TENANT_BUCKETS.list()).objects.filter((o) => o.key.endsWith("/secret"));
		const storePrefix = stored!.key.slice(0, -"secret".length);
		expect((await call(bScript, `/list?prefix=${encodeURIComponent(storePrefix)}`)).body.keys).toEqual([]);
		expect((await call(bScript, `/get?key=${encodeURIComponent(stored!.key)}`)).status).toBe(404);
		// Bucket names that look like a's are names in b's own space.
		for (const guess of [`${a.id}-assets`, "assets/..", `${a.id}/r2_bucket/assets`]) {
			const res = await deploy(b.token, uniqueName(), R2_WORKER, { bindings: [{ ...R2_BINDING, bucket_name: guess }] });
			if (res.status === 200) expect((await call((await json(res)).deployment.script, "/get?key=secret")).status).toBe(404);
			else expect(res.status).toBe(400);
		}
		// A delete of b's never touches a's.
		await call(bScript, "/delete?keys=secret");
		expect(await (await visit(`${aScript}.localhost`, "/get?key=secret")).text()).toBe("a-only");
	});

	it("are listed with their object count and size, and deleted with their objects only when asked", async () => {
		const t = await newTenant();
		const { name } = await deployed(t);
		await call(name, "/put?key=one&value=1");
		await call(name, "/put?key=dir/two&value=22");
		const listed = await json(await api("/v1/resources", { token: t.token }));
		expect(listed.resources).toEqual([{ type: "r2_bucket", name: "assets", created_at: expect.any(String), keys: 2, bytes: 3 }]);
		// Deleting the script leaves the bucket; deleting the bucket deletes its objects, and a's alone.
		const other = await newTenant();
		const { name: otherScript } = await deployed(other);
		await call(otherScript, "/put?key=one&value=other");
		expect((await api(`/v1/scripts/${name}`, { method: "DELETE", token: t.token })).status).toBe(200);
		expect((await json(await api("/v1/resources", { token: t.token }))).resources).toHaveLength(1);
		const deleted = await api("/v1/resources/r2_bucket/assets", { method: "DELETE", token: t.token });
		expect(await json(deleted)).toEqual({ deleted: { type: "r2_bucket", name: "assets" } });
		expect((await json(await api("/v1/resources", { token: t.token }))).resources).toEqual([]);
		const { name: again } = await deployed(t);
		expect((await call(again, "/list")).body.keys).toEqual([]);
		expect(await (await visit(`${otherScript}.localhost`, "/get?key=one")).text()).toBe("other");
		// A tenant without the bucket gets the answer of a missing one.
		const res = await api("/v1/resources/r2_bucket/assets", { method: "DELETE", token: (await newTenant()).token });
		expect(res.status).toBe(404);
		expect((await json(res)).error.message).toBe("R2 bucket 'assets' not found");
	});

	it("are read and written over the API, object by object, with their HTTP metadata", async () => {
		const t = await newTenant();
		const { name } = await deployed(t);
		const put = await api(`/v1/r2/assets/objects/${encodeURIComponent("img/a.txt")}`, {
			method: "PUT",
			token: t.token,
			headers: { "content-type": "text/plain", "cache-control": "max-age=60" },
			body: "from the api",
		});
		expect(await json(put)).toEqual({ key: "img/a.txt", size: 12, etag: await md5Hex("from the api") });
		const served = await visit(`${name}.localhost`, "/get?key=img/a.txt");
		expect(await served.text()).toBe("from the api");
		expect(served.headers.get("content-type")).toBe("text/plain");
		expect(served.headers.get("cache-control")).toBe("max-age=60");
		const got = await api(`/v1/r2/assets/objects/${encodeURIComponent("img/a.txt")}`, { token: t.token });
		expect(got.headers.get("content-type")).toBe("text/plain");
		expect(got.headers.get("etag")).toBe(`"${await md5Hex("from the api")}"`);
		expect(await got.text()).toBe("from the api");

		const tooLong = await api(`/v1/r2/assets/objects/${"k".repeat(1001)}`, { method: "PUT", token: t.token, body: "x" });
		expect(tooLong.status).toBe(400);
		expect((await json(tooLong)).error.code).toBe("invalid_request");
		const tooBig = await api("/v1/r2/assets/objects/big", { method: "PUT", token: t.token, body: new Uint8Array(100 * 1024 * 1024 + 1) });
		expect(tooBig.status).toBe(413);
		expect((await json(tooBig)).error).toEqual({ code: "payload_too_large", message: "an object is at most 100 MiB here" });

		expect(await json(await api("/v1/r2/assets/objects/img%2Fa.txt", { method: "DELETE", token: t.token }))).toEqual({
			deleted: "img/a.txt",
		});
		const gone = await api("/v1/r2/assets/objects/img%2Fa.txt", { token: t.token });
		expect(gone.status).toBe(404);
		expect((await json(gone)).error.message).toBe("object 'img/a.txt' not found in R2 bucket 'assets'");
	});

	it("refuse bad bindings at upload", async () => {
		const t = await newTenant();
		const refused = async (bindings: unknown[], message: RegExp) => {
			const res = await deploy(t.token, uniqueName(), R2_WORKER, { bindings });
			expect(res.status).toBe(400);
			expect((await json(res)).error.message).toMatch(message);
		};
		await refused([R2_BINDING, { ...R2_BINDING, bucket_name: "other" }], /binding 'ASSETS' is given twice/);
		await refused([R2_BINDING, { type: "kv_namespace", name: "ASSETS", namespace_id: "x" }], /binding 'ASSETS' is given twice/);
		await refused([{ type: "r2_bucket", name: "ASSETS" }], /needs bucket_name/);
		await refused([{ ...R2_BINDING, bucket_name: "a/b" }], /bucket_name names a bucket in your own space/);
		await refused([{ ...R2_BINDING, jurisdiction: "eu" }], /jurisdiction is not supported/);
	});
});
