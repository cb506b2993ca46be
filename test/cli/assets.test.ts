/**
 * ferry deploy with static assets, against the real local platform: create-cloudflare's templates
 * deployed unchanged, only new files uploaded on a redeploy, and the bad input of issue 14.
 */
import { mkdirSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loopbackFetch } from "../../loopback/index.ts";
import { type Cli, newTenant, project, scriptUrl, uniqueName } from "./support.ts";
import { fromTemplate } from "./templates.ts";

let cli: Cli;
beforeAll(async () => {
	({ cli } = await newTenant("assets"));
});

async function page(name: string, urlPath: string, init: RequestInit = {}) {
	const response = await loopbackFetch(new URL(urlPath, scriptUrl(name)).href, { redirect: "manual", ...init });
	return { status: response.status, text: await response.text(), type: response.headers.get("content-type") };
}

const assetsProject = (name: string, files: Record<string, string | Uint8Array>, extra = "") =>
	project({
		"wrangler.toml": `name = "${name}"\ncompatibility_date = "2026-11-01"\n[assets]\ndirectory = "./public"\n${extra}`,
		...Object.fromEntries(Object.entries(files).map(([file, content]) => [`public/${file}`, content])),
	});

describe("create-cloudflare's templates, deployed unchanged", () => {
	it("hello-world-with-assets (TypeScript): the page from public/, the Worker's routes and its 404", async () => {
		const name = uniqueName("c3-assets");
		const dir = fromTemplate("hello-world-with-assets/ts", name);
		const out = await cli.ok(["deploy"], { cwd: dir });
		expect(out).toContain("Uploaded 1 new of 1 asset files");
		const home = await page(name, "/");
		expect([home.status, home.type]).toEqual([200, "text/html; charset=utf-8"]);
		expect(home.text).toContain("This page comes from a static asset stored at `public/index.html`");
		expect((await page(name, "/message")).text).toBe("Hello, World!");
		expect((await page(name, "/random")).text).toMatch(/^[0-9a-f-]{36}$/);
		expect(await page(name, "/nope")).toMatchObject({ status: 404, text: "Not Found" });
	});

	it("hello-world-assets-only: a static site with no Worker, and a bare 404", async () => {
		const name = uniqueName("c3-static");
		const dir = fromTemplate("hello-world-assets-only/templates", name);
		const out = await cli.ok(["deploy"], { cwd: dir });
		expect(out).not.toContain("Bundling");
		const home = await page(name, "/");
		expect(home.status).toBe(200);
		expect(home.text).toContain('<h1 id="heading">Hello, World!</h1>');
		expect((await page(name, "/index.html")).status).toBe(307);
		expect(await page(name, "/missing")).toMatchObject({ status: 404, text: "" });
	});

	it("hono: the page, the Hono route behind it (env.ASSETS bound) and Hono's 404", async () => {
		const name = uniqueName("c3-hono");
		const dir = fromTemplate("hono/workers/templates", name);
		await cli.ok(["deploy"], { cwd: dir });
		expect((await page(name, "/")).text).toContain("fetch('/message')");
		expect((await page(name, "/message")).text).toBe("Hello Hono!");
		expect(await page(name, "/nope")).toMatchObject({ status: 404, text: "404 Not Found" });
	});
});

describe("ferry deploy with assets", () => {
	it("uploads only what changed, honours .assetsignore, and serves odd file names at their URLs", async () => {
		const name = uniqueName("site");
		const files: Record<string, string> = {
			"index.html": "<h1>v1</h1>",
			".assetsignore": "secret.txt\n",
			"secret.txt": "not served",
			"a b.txt": "space",
			"café.txt": "unicode",
			"100%.txt": "percent",
			"what?.txt": "question",
			"#tag.txt": "hash",
		};
		for (let i = 0; i < 20; i++) files[`css/${i}.css`] = `.c${i} {}`;
		const dir = assetsProject(name, files);
		const first = await cli.json(["deploy"], { cwd: dir });
		expect(first.assets).toMatchObject({ files: 26, new_files: 26 });
		expect(first.deployment.assets).toMatchObject({ files: 26 });
		for (const [url, text] of [
			["/a%20b.txt", "space"],
			["/caf%C3%A9.txt", "unicode"],
			["/100%25.txt", "percent"],
			["/what%3F.txt", "question"],
			["/%23tag.txt", "hash"],
		])
			expect([url, (await page(name, url!)).text]).toEqual([url, text]);
		expect((await page(name, "/secret.txt")).status).toBe(404);
		expect((await page(name, "/.assetsignore")).status).toBe(404);

		writeFileSync(path.join(dir, "public", "index.html"), "<h1>v2</h1>");
		const out = await cli.ok(["deploy"], { cwd: dir });
		expect(out).toContain("Uploaded 1 new of 26 asset files");
		expect(out).toMatch(/Assets\s+26 files, 1 new \(11 bytes\)/);
		expect((await page(name, "/")).text).toBe("<h1>v2</h1>");

		// The config's answer is remembered by its text: a changed config is read again.
		writeFileSync(
			path.join(dir, "wrangler.toml"),
			`name = "${name}"\ncompatibility_date = "2026-11-01"\n[assets]\ndirectory = "./public"\nnot_found_handling = "single-page-application"\n`,
		);
		await cli.ok(["deploy"], { cwd: dir });
		expect(await page(name, "/deep/link")).toMatchObject({ status: 200, text: "<h1>v2</h1>" });
	});

	it("refuses a missing directory, a file over 25 MiB, 20,001 files and _redirects, in one line, before uploading", async () => {
		const name = uniqueName("bad");
		const missing = project({ "wrangler.toml": `name = "${name}"\ncompatibility_date = "2026-11-01"\n[assets]\ndirectory = "./dist"\n` });
		const noDir = await cli.run(["deploy"], { cwd: missing });
		expect(noDir.code).not.toBe(0);
		expect(noDir.stderr.trim().split("\n")).toHaveLength(1);
		expect(noDir.stderr).toContain("the assets directory ./dist (assets.directory in the config) does not exist");

		const big = assetsProject(name, { "index.html": "hi", "big.bin": "" });
		truncateSync(path.join(big, "public", "big.bin"), 25 * 1024 * 1024 + 1);
		const tooBig = await cli.run(["deploy"], { cwd: big });
		expect(tooBig.code).not.toBe(0);
		expect(tooBig.stderr).toContain("big.bin is 25 MiB: an asset file is at most 25 MiB");

		const many = assetsProject(name, {});
		mkdirSync(path.join(many, "public"));
		for (let i = 0; i < 20_001; i++) writeFileSync(path.join(many, "public", `${i}.txt`), "x");
		const tooMany = await cli.run(["deploy"], { cwd: many });
		expect(tooMany.code).not.toBe(0);
		expect(tooMany.stderr).toContain("more than 20,000 asset files");

		const redirects = assetsProject(name, { "index.html": "hi", _redirects: "/a /b 301" });
		const refused = await cli.run(["deploy"], { cwd: redirects });
		expect(refused.stderr).toContain("Ferry does not support _redirects files yet");

		// Nothing reached the platform: the name was never claimed.
		const list = await cli.json(["scripts", "list"]);
		expect(list.scripts.map((s: { name: string }) => s.name)).not.toContain(name);
	});

	it("deploys a Worker with run_worker_first patterns and an assets binding from wrangler.toml", async () => {
		const name = uniqueName("api");
		const dir = project({
			"wrangler.toml": [
				`name = "${name}"`,
				`main = "src/index.js"`,
				`compatibility_date = "2026-11-01"`,
				`[assets]`,
				`directory = "./public"`,
				`binding = "ASSETS"`,
				`not_found_handling = "single-page-application"`,
				`run_worker_first = ["/api/*"]`,
			].join("\n"),
			"src/index.js": `export default { async fetch(request, env) {
				const url = new URL(request.url);
				if (url.pathname === "/api/page") return env.ASSETS.fetch(new URL("/", url));
				return Response.json({ api: url.pathname });
			} };`,
			"public/index.html": "<h1>app</h1>",
		});
		mkdirSync(path.join(dir, "public", "img"));
		writeFileSync(path.join(dir, "public", "img", "logo.svg"), "<svg/>");
		await cli.ok(["deploy"], { cwd: dir });
		expect((await page(name, "/api/users")).text).toBe('{"api":"/api/users"}');
		expect((await page(name, "/api/page")).text).toBe("<h1>app</h1>");
		expect(await page(name, "/img/logo.svg")).toMatchObject({ status: 200, type: "image/svg+xml" });
		expect(await page(name, "/settings/profile")).toMatchObject({ status: 200, text: "<h1>app</h1>" });
	});
});
