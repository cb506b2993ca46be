/**
 * Static assets through the API and the dispatcher, in workerd with real D1 and R2: the upload
 * session (only what is new, per tenant), the completion token, assets-only and Worker + assets
 * deployments, wrangler's serving semantics, previews and rollback, and the bad input of issue 14.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { forgetCachedAssets, SMALL_FILE_BYTES } from "../../dispatch/src/assets";
import dispatcher from "../../dispatch/src/index";
import { type AssetFile, deployWithAssets, hashOf, manifestOf, startSession, uploadAssets, uploadBucket } from "./assets";
import { api, json, newTenant, uniqueName, visit } from "./platform";

const SITE: Record<string, AssetFile> = {
	"/index.html": { content: "<h1>home</h1>" },
	"/about.html": { content: "<h1>about</h1>" },
	"/blog/index.html": { content: "<h1>blog</h1>" },
	"/style.css": { content: "body { color: red }" },
	"/404.html": { content: "<h1>not here</h1>" },
};

async function site(files: Record<string, AssetFile> = SITE, options: Parameters<typeof deployWithAssets>[3] = {}) {
	const t = await newTenant();
	const name = uniqueName("site");
	const { jwt, uploaded } = await uploadAssets(t.token, name, files);
	const res = await deployWithAssets(t.token, name, jwt, options);
	const body = await json(res);
	expect(res.status, JSON.stringify(body)).toBe(200);
	return { t, name, deployment: body.deployment, uploaded };
}

const get = (host: string, path: string, init: RequestInit = {}) => visit(`${host}.localhost`, path, init);

describe("uploading assets", () => {
	it("asks only for what the tenant lacks: a redeploy with one file changed uploads one file", async () => {
		const { t, name, deployment, uploaded } = await site();
		expect(uploaded.sort()).toEqual(
			Object.values(manifestOf(SITE))
				.map((e) => e.hash)
				.sort(),
		);
		expect(deployment.assets).toEqual({ files: 5, bytes: Object.values(SITE).reduce((n, f) => n + String(f.content).length, 0) });

		const changed = { ...SITE, "/style.css": { content: "body { color: blue }" } };
		const second = await uploadAssets(t.token, name, changed);
		expect(second.uploaded).toEqual([hashOf("/style.css", "body { color: blue }")]);
		const res = await deployWithAssets(t.token, name, second.jwt);
		expect(res.status).toBe(200);
		expect(await (await get(name, "/style.css")).text()).toBe("body { color: blue }");

		// Nothing new: no bucket, and the session's token is already the completion token.
		const session = await json(await startSession(t.token, name, manifestOf(changed)));
		expect(session.buckets).toEqual([]);
		expect((await deployWithAssets(t.token, name, session.jwt)).status).toBe(200);
	});

	it("keeps tenants apart: identical bytes are uploaded again by another tenant, and its token is no one else's", async () => {
		const a = await site();
		const b = await newTenant();
		const other = uniqueName("site");
		const session = await json(await startSession(b.token, other, manifestOf(SITE)));
		expect(session.buckets.flat().sort()).toEqual(a.uploaded.sort());
		// Tenant A's completion token, for a script of A's, is refused for B and for another of A's scripts.
		const { jwt } = await uploadAssets(a.t.token, a.name, SITE);
		for (const [token, script] of [
			[b.token, a.name],
			[b.token, other],
			[a.t.token, uniqueName("site")],
		] as const) {
			const res = await deployWithAssets(token, script, jwt);
			expect(res.status).toBe(400);
			expect((await json(res)).error.code).toBe("invalid_asset_token");
		}
		// B's files are B's: its deployment serves its own upload, A's R2 objects are not read for it.
		expect(await env.ARTIFACTS.head(`assets/${a.t.id}/${a.uploaded[0]}`)).not.toBeNull();
		expect(await env.ARTIFACTS.head(`assets/${b.id}/${a.uploaded[0]}`)).toBeNull();
	});

	it("checks every uploaded file against its hash and size, and the session's token against the session", async () => {
		const t = await newTenant();
		const name = uniqueName("site");
		const files = { "/a.txt": { content: "alpha" }, "/b.txt": { content: "bravo" } };
		const manifest = manifestOf(files);
		const session = await json(await startSession(t.token, name, manifest));
		const upload = (parts: Parameters<typeof uploadBucket>[1], jwt = session.jwt) => uploadBucket(jwt, parts);
		const codes = async (res: Response) => [res.status, (await json(res)).error?.code];

		expect(await codes(await upload([{ hash: manifest["/a.txt"]!.hash, content: "alphx" }]))).toEqual([400, "invalid_assets"]);
		expect(await codes(await upload([{ hash: manifest["/a.txt"]!.hash, content: "alpha!" }]))).toEqual([400, "invalid_assets"]);
		expect(await codes(await upload([{ hash: hashOf("/c.txt", "charlie"), content: "charlie" }]))).toEqual([400, "invalid_assets"]);
		expect(await codes(await upload([{ hash: manifest["/a.txt"]!.hash, content: "alpha" }], "not-a-jwt"))).toEqual([401, "unauthorized"]);
		// Another session's token (another tenant's) cannot upload into this one.
		const other = await newTenant();
		const foreign = await json(await startSession(other.token, uniqueName("site"), manifestOf({ "/z.txt": { content: "zulu" } })));
		expect(await codes(await upload([{ hash: manifest["/a.txt"]!.hash, content: "alpha" }], foreign.jwt))).toEqual([400, "invalid_assets"]);
		// The tenant's own API token is not an upload token.
		expect(await codes(await upload([{ hash: manifest["/a.txt"]!.hash, content: "alpha" }], t.token))).toEqual([401, "unauthorized"]);

		const first = await upload([{ hash: manifest["/a.txt"]!.hash, content: "alpha" }]);
		expect(first.status).toBe(202);
		expect(await json(first)).toEqual({});
		const last = await upload([{ hash: manifest["/b.txt"]!.hash, content: "bravo" }]);
		expect(last.status).toBe(201);
		const { jwt } = await json(last);
		// The completion token is not an upload token.
		expect(await codes(await upload([{ hash: manifest["/a.txt"]!.hash, content: "alpha" }], jwt))).toEqual([401, "unauthorized"]);
		expect((await deployWithAssets(t.token, name, jwt)).status).toBe(200);
	});

	it("refuses path traversal, relative, absolute-URL and malformed manifest entries", async () => {
		const t = await newTenant();
		const entry = { hash: "0".repeat(32), size: 1 };
		for (const path of ["/../etc/passwd", "/a/../../b", "relative.txt", "//evil.example/x", "/a\\b", "/a//b", "/./a", "/nul\0", "C:/x"]) {
			const res = await startSession(t.token, uniqueName("site"), { [path]: entry });
			expect(res.status, path).toBe(400);
			expect((await json(res)).error.code).toBe("invalid_assets");
		}
		for (const bad of [{ hash: "xyz", size: 1 }, { hash: "0".repeat(32), size: -1 }, { hash: "0".repeat(32) }]) {
			const res = await startSession(t.token, uniqueName("site"), { "/a": bad });
			expect(res.status).toBe(400);
		}
	});

	it("refuses a file over 25 MiB and a 20,001st file before anything is uploaded", async () => {
		const t = await newTenant();
		const big = await startSession(t.token, uniqueName("site"), { "/big.bin": { hash: "1".repeat(32), size: 25 * 1024 * 1024 + 1 } });
		expect(big.status).toBe(413);
		expect((await json(big)).error.message).toContain("25 MiB");
		const many = Object.fromEntries(
			Array.from({ length: 20_001 }, (_, i) => [`/f${i}.txt`, { hash: i.toString(16).padStart(32, "0"), size: 1 }]),
		);
		const res = await startSession(t.token, uniqueName("site"), many);
		expect(res.status).toBe(413);
		expect((await json(res)).error.message).toContain("20,000");
	});

	it("fails the deploy clearly when files of the manifest were never uploaded, and the live deployment keeps serving", async () => {
		const { t, name } = await site();
		const files = { ...SITE, "/new.txt": { content: "never sent" } };
		const session = await json(await startSession(t.token, name, manifestOf(files)));
		expect(session.buckets.flat()).toEqual([hashOf("/new.txt", "never sent")]);
		const res = await deployWithAssets(t.token, name, session.jwt);
		expect(res.status).toBe(422);
		const body = await json(res);
		expect(body.error.code).toBe("deployment_failed");
		expect(body.error.message).toContain("1 asset file was never uploaded (/new.txt)");
		expect(body.deployment.error.stage).toBe("build");
		expect(await (await get(name, "/")).text()).toBe("<h1>home</h1>");
	});

	it("refuses the parts of wrangler's config Ferry does not serve yet, by name", async () => {
		const t = await newTenant();
		const name = uniqueName("site");
		const { jwt } = await uploadAssets(t.token, name, SITE);
		for (const config of [
			{ _redirects: "/a /b 301" },
			{ _headers: "/*\n  X: y" },
			{ base_path: "/docs" },
			{ html_handling: "sometimes" },
		]) {
			const res = await deployWithAssets(t.token, name, jwt, { config });
			expect(res.status, JSON.stringify(config)).toBe(400);
			expect((await json(res)).error.code).toBe("invalid_metadata");
		}
		const res = await deployWithAssets(t.token, name, jwt, {
			config: { run_worker_first: ["api/*"] },
			worker: "export default {fetch(){}}",
		});
		expect((await json(res)).error.message).toContain("patterns start with '/'");
	});
});

describe("serving assets", () => {
	it("serves an assets-only site with content types, ETags, revalidation, HEAD and wrangler's default html handling", async () => {
		const { name } = await site();
		const home = await get(name, "/");
		expect(home.status).toBe(200);
		expect(await home.text()).toBe("<h1>home</h1>");
		expect(home.headers.get("content-type")).toBe("text/html; charset=utf-8");
		expect(home.headers.get("cache-control")).toBe("public, max-age=0, must-revalidate");
		const etag = home.headers.get("etag")!;
		expect(etag).toBe(`"${hashOf("/index.html", "<h1>home</h1>")}"`);

		for (const match of [etag, `W/${etag}`]) {
			const again = await get(name, "/", { headers: { "if-none-match": match } });
			expect(again.status).toBe(304);
			expect(await again.text()).toBe("");
		}
		expect((await get(name, "/", { headers: { "if-none-match": '"other"' } })).status).toBe(200);
		const head = await get(name, "/style.css", { method: "HEAD" });
		expect(head.status).toBe(200);
		expect(head.headers.get("content-type")).toBe("text/css; charset=utf-8");
		expect(await head.text()).toBe("");
		expect((await get(name, "/style.css", { method: "POST" })).status).toBe(405);

		// auto-trailing-slash: /about serves about.html, /about.html redirects to /about, /blog to /blog/.
		expect(await (await get(name, "/about")).text()).toBe("<h1>about</h1>");
		const redirect = await get(name, "/about.html?x=1", { redirect: "manual" });
		expect([redirect.status, redirect.headers.get("location")]).toEqual([307, "/about?x=1"]);
		expect((await get(name, "/blog", { redirect: "manual" })).headers.get("location")).toBe("/blog/");
		expect(await (await get(name, "/blog/")).text()).toBe("<h1>blog</h1>");
		// Nothing there, no not_found_handling: a bare 404 (no Worker to ask).
		const missing = await get(name, "/nope");
		expect([missing.status, await missing.text()]).toEqual([404, ""]);
	});

	it("applies not_found_handling: single-page-application, 404-page, none", async () => {
		const spa = await site(SITE, { config: { not_found_handling: "single-page-application" } });
		const deep = await get(spa.name, "/app/route/42");
		expect([deep.status, await deep.text()]).toEqual([200, "<h1>home</h1>"]);
		const files = { ...SITE, "/docs/404.html": { content: "<h1>no such doc</h1>" }, "/docs/a.html": { content: "a" } };
		const page = await site(files, { config: { not_found_handling: "404-page" } });
		const nested = await get(page.name, "/docs/missing/page");
		expect([nested.status, await nested.text()]).toEqual([404, "<h1>no such doc</h1>"]);
		const top = await get(page.name, "/elsewhere");
		expect([top.status, await top.text()]).toEqual([404, "<h1>not here</h1>"]);
	});

	it("applies each html_handling", async () => {
		const cases: [string, string, number, string][] = [
			["force-trailing-slash", "/about", 307, "/about/"],
			["force-trailing-slash", "/about/", 200, "<h1>about</h1>"],
			["drop-trailing-slash", "/blog/", 307, "/blog"],
			["drop-trailing-slash", "/blog", 200, "<h1>blog</h1>"],
			["none", "/about", 404, ""],
			["none", "/about.html", 200, "<h1>about</h1>"],
			["auto-trailing-slash", "/blog/index.html", 307, "/blog/"],
		];
		for (const handling of new Set(cases.map((c) => c[0]))) {
			const { name } = await site(SITE, { config: { html_handling: handling } });
			for (const [, path, status, expected] of cases.filter((c) => c[0] === handling)) {
				const res = await get(name, path, { redirect: "manual" });
				expect([handling, path, res.status, res.status === 307 ? res.headers.get("location") : await res.text()]).toEqual([
					handling,
					path,
					status,
					expected,
				]);
			}
		}
	});

	it("serves odd file names (spaces, unicode, %, ?, #) at their percent-encoded URLs", async () => {
		const files: Record<string, AssetFile> = {
			"/a b.txt": { content: "space" },
			"/café/naïve.txt": { content: "unicode" },
			"/100%.txt": { content: "percent" },
			"/what?.txt": { content: "question" },
			"/#tag.txt": { content: "hash" },
		};
		const { name } = await site(files);
		for (const [url, text] of [
			["/a%20b.txt", "space"],
			["/caf%C3%A9/na%C3%AFve.txt", "unicode"],
			["/100%25.txt", "percent"],
			["/what%3F.txt", "question"],
			["/%23tag.txt", "hash"],
		]) {
			const res = await get(name, url!);
			expect([url, res.status, await res.text()]).toEqual([url, 200, text]);
		}
		// The literal '?' starts a query: /what?.txt is the path /what.
		expect((await get(name, "/what?.txt")).status).toBe(404);
	});

	it("runs the Worker only where no asset answers, unless run_worker_first says otherwise; env.ASSETS reaches the assets", async () => {
		const worker = `export default { async fetch(request, env) {
			const url = new URL(request.url);
			if (url.pathname === "/via-binding") return env.ASSETS.fetch(new URL("/style.css", url));
			if (url.pathname === "/binding-missing") return env.ASSETS.fetch(new URL("/nope", url));
			return new Response("worker " + url.pathname);
		} };`;
		const plain = await site(SITE, { worker, binding: "ASSETS" });
		expect(await (await get(plain.name, "/")).text()).toBe("<h1>home</h1>");
		expect(await (await get(plain.name, "/api/x")).text()).toBe("worker /api/x");
		expect(await (await get(plain.name, "/via-binding")).text()).toBe("body { color: red }");
		expect((await get(plain.name, "/binding-missing")).status).toBe(404);

		const first = await site(SITE, { worker, binding: "ASSETS", config: { run_worker_first: true } });
		expect(await (await get(first.name, "/")).text()).toBe("worker /");
		expect(await (await get(first.name, "/via-binding")).text()).toBe("body { color: red }");

		const patterns = await site(SITE, {
			worker,
			binding: "ASSETS",
			config: { run_worker_first: ["/style.css", "/api/*", "!/api/docs/*"], not_found_handling: "single-page-application" },
		});
		expect(await (await get(patterns.name, "/style.css")).text()).toBe("worker /style.css");
		expect(await (await get(patterns.name, "/api/users")).text()).toBe("worker /api/users");
		expect(await (await get(patterns.name, "/api/docs/x")).text()).toBe("<h1>home</h1>");
		expect(await (await get(patterns.name, "/elsewhere")).text()).toBe("<h1>home</h1>");
		expect(await (await get(patterns.name, "/about")).text()).toBe("<h1>about</h1>");

		// SPA with a Worker, no patterns: an API call the files cannot answer is the Worker's; a browser
		// navigation gets the app (assets_navigation_prefers_asset_serving, on since 2025-04-01).
		const spa = await site(SITE, { worker, config: { not_found_handling: "single-page-application" } });
		expect(await (await get(spa.name, "/api/users")).text()).toBe("worker /api/users");
		expect(await (await get(spa.name, "/app/page", { headers: { "sec-fetch-mode": "navigate" } })).text()).toBe("<h1>home</h1>");
	});

	it("keeps assets with their deployment: previews serve theirs, rollback brings the old ones back", async () => {
		const v1 = await site({ "/index.html": { content: "v1" } });
		const { jwt } = await uploadAssets(v1.t.token, v1.name, { "/index.html": { content: "v2" } });
		const v2 = (await json(await deployWithAssets(v1.t.token, v1.name, jwt))).deployment;
		expect(await (await get(v1.name, "/")).text()).toBe("v2");
		expect(await (await get(`${v1.deployment.id}--${v1.name}`, "/")).text()).toBe("v1");
		expect(await (await get(`${v2.id}--${v1.name}`, "/")).text()).toBe("v2");
		const back = await api(`/v1/scripts/${v1.name}/rollback`, { method: "POST", token: v1.t.token });
		expect(back.status).toBe(200);
		expect(await (await get(v1.name, "/")).text()).toBe("v1");
	});

	it("answers a warm asset request without D1; streams large files from R2 on every request, keeps small ones in memory", async () => {
		const large = "x".repeat(SMALL_FILE_BYTES + 1);
		const { t, name, deployment } = await site({ ...SITE, "/large.txt": { content: large } });
		expect(await (await get(name, "/about")).text()).toBe("<h1>about</h1>");
		const noD1 = {
			...env,
			DB: new Proxy(
				{},
				{
					get: () => () => {
						throw new Error("D1 was read");
					},
				},
			),
		} as unknown as typeof env;
		const warm = await dispatcher.fetch(new Request(`http://${name}.localhost:8787/about`) as Parameters<typeof dispatcher.fetch>[0], noD1);
		expect(await warm.text()).toBe("<h1>about</h1>");
		expect((await get(name, "/large.txt")).headers.get("etag")).toBe(`"${hashOf("/large.txt", large)}"`);
		// Gone from R2: the large file's next request says so (it is read from R2 each time), the small one
		// read before is still served from the isolate's memory (its bytes can never change).
		await env.ARTIFACTS.delete(`assets/${t.id}/${hashOf("/large.txt", large)}`);
		await env.ARTIFACTS.delete(`assets/${t.id}/${hashOf("/about.html", "<h1>about</h1>")}`);
		expect((await get(name, "/large.txt")).status).toBe(503);
		expect(await (await get(name, "/about")).text()).toBe("<h1>about</h1>");
		// A manifest not in this isolate's memory is read once from R2 (after a restart, say).
		forgetCachedAssets(deployment.id);
		expect(await (await get(name, "/")).text()).toBe("<h1>home</h1>");
	});
});
