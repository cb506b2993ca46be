/**
 * An R2 bucket from a project's config to `env` and back on the real local platform (docs/bindings.md):
 * `ferry deploy` of a config with `r2_buckets`, the tenant's Worker serving what `ferry r2 object put`
 * wrote (with its content type, through writeHttpMetadata), `ferry r2 object get|delete`, `ferry
 * resources list` with the bucket's object count and size, and deleting objects only when asked.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loopbackFetch } from "../../loopback/index.ts";
import { type Cli, newTenant, project, scriptUrl, uniqueName, visit } from "./support.ts";

let cli: Cli;
beforeAll(async () => {
	({ cli } = await newTenant("r2"));
});

const r2Project = (name: string) =>
	project({
		"wrangler.toml": `name = "${name}"
main = "src/index.js"
compatibility_date = "2026-11-01"

[[r2_buckets]]
binding = "FILES"
bucket_name = "files"
`,
		"src/index.js": `export default {
	async fetch(request, env) {
		const key = new URL(request.url).pathname.slice(1);
		if (request.method === "PUT") {
			await env.FILES.put(key, request.body, { httpMetadata: request.headers });
			return new Response("stored");
		}
		const object = await env.FILES.get(key);
		if (!object) return new Response("none", { status: 404 });
		const headers = new Headers({ etag: object.httpEtag });
		object.writeHttpMetadata(headers);
		return new Response(object.body, { headers });
	},
};
`,
		"logo.bin": new Uint8Array([0, 1, 2, 255, 254]),
	});

describe("ferry r2 object", () => {
	it("deploys R2 buckets from the config and manages their objects as BUCKET/KEY", async () => {
		const name = uniqueName("r2");
		const dir = r2Project(name);
		await cli.ok(["deploy"], { cwd: dir });
		expect((await visit(`${scriptUrl(name)}docs/a.txt`)).status).toBe(404);

		expect(
			await cli.ok(["r2", "object", "put", "files/docs/a.txt", "--pipe", "--content-type", "text/plain"], { input: "hello r2" }),
		).toContain("Uploaded docs/a.txt to R2 bucket files");
		const served = await loopbackFetch(`${scriptUrl(name)}docs/a.txt`);
		expect(await served.text()).toBe("hello r2");
		expect(served.headers.get("content-type")).toBe("text/plain");
		expect(await cli.ok(["r2", "object", "get", "files/docs/a.txt"])).toBe("hello r2");

		// Bytes as they are, both ways: a file in, a file out.
		await cli.ok(["r2", "object", "put", "files/logo.bin", "--file", "logo.bin"], { cwd: dir });
		await cli.ok(["r2", "object", "get", "files/logo.bin", "--file", "out.bin"], { cwd: dir });
		expect([...readFileSync(path.join(dir, "out.bin"))]).toEqual([0, 1, 2, 255, 254]);

		// The Worker's own write, read by the CLI.
		await visit(`${scriptUrl(name)}from-worker`, { method: "PUT", body: "w" });
		expect(await cli.ok(["r2", "object", "get", "files/from-worker"])).toBe("w");

		const { resources } = await cli.json(["resources", "list"]);
		expect(resources).toEqual([{ type: "r2_bucket", name: "files", created_at: expect.any(String), keys: 3, bytes: 14 }]);
		expect(await cli.ok(["resources", "list"])).toMatch(/r2_bucket\s+files\s+3\s+14 bytes/);

		await cli.ok(["r2", "object", "delete", "files/docs/a.txt"]);
		const gone = await cli.run(["r2", "object", "get", "files/docs/a.txt"]);
		expect(gone.code).toBe(1);
		expect(gone.stderr.trimEnd().split("\n")).toHaveLength(1);
		expect(gone.stderr).toContain("object 'docs/a.txt' not found in R2 bucket 'files'");

		// Deleting the script keeps the objects; deleting the bucket deletes them.
		await cli.ok(["scripts", "delete", name, "--yes"]);
		expect(await cli.ok(["r2", "object", "get", "files/from-worker"])).toBe("w");
		expect(await cli.ok(["r2", "bucket", "delete", "files"])).toContain("Deleted R2 bucket files and its objects");
		expect((await cli.json(["resources", "list"])).resources).toEqual([]);
	});

	it("says in one line what is wrong with a command", async () => {
		for (const [argv, message] of [
			[["r2", "object", "get", "nobucket"], "'nobucket' is not BUCKET/KEY"],
			[["r2", "object", "get", "never-declared/k"], "R2 bucket 'never-declared' not found"],
			[["r2", "object", "put", "files/k"], "give --file FILE or --pipe (stdin), one of them"],
			[["r2", "object", "put", `files/${"k".repeat(1001)}`, "--pipe"], "an object key is at most 1000 bytes of UTF-8"],
			[["r2", "bucket", "delete", "never-declared"], "R2 bucket 'never-declared' not found"],
		] as const) {
			const { code, stderr } = await cli.run([...argv], { input: "x" });
			expect(code).toBe(1);
			expect(stderr.trimEnd().split("\n")).toHaveLength(1);
			expect(stderr).toContain(message);
		}
	});
});
