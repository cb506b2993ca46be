/**
 * A KV namespace from a project's config to `env` and back (docs/bindings.md): `ferry deploy` of a
 * config with `kv_namespaces` (one without an `id`, named by its binding), the tenant's Worker
 * reading what `ferry kv key put` wrote, `ferry resources list`, and deleting data only when asked.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type Cli, newTenant, project, scriptUrl, uniqueName, visit } from "./support.ts";

let cli: Cli;
beforeAll(async () => {
	({ cli } = await newTenant("kv"));
});

const kvProject = (name: string) =>
	project({
		"wrangler.toml": `name = "${name}"
main = "src/index.js"
compatibility_date = "2026-11-01"

[[kv_namespaces]]
binding = "CACHE"

[[kv_namespaces]]
binding = "SESSIONS"
id = "sessions"
`,
		"src/index.js": `export default {
	async fetch(request, env) {
		const key = new URL(request.url).pathname.slice(1);
		await env.SESSIONS.put("last", key);
		return new Response(String(await env.CACHE.get(key)));
	},
};
`,
	});

describe("ferry kv", () => {
	it("deploys KV namespaces from the config and manages their keys by binding", async () => {
		const name = uniqueName("kv");
		const dir = kvProject(name);
		await cli.ok(["deploy"], { cwd: dir });
		expect((await visit(`${scriptUrl(name)}greeting`)).text).toBe("null");

		expect(await cli.ok(["kv", "key", "put", "greeting", "hello", "--binding", "CACHE"], { cwd: dir })).toContain(
			"Wrote greeting to KV namespace CACHE",
		);
		expect((await visit(`${scriptUrl(name)}greeting`)).text).toBe("hello");
		expect(await cli.ok(["kv", "key", "get", "greeting", "--binding", "CACHE"], { cwd: dir })).toBe("hello");
		// The Worker's own write, read by the namespace's name in the tenant's space (its config id).
		expect(await cli.ok(["kv", "key", "get", "last", "--namespace-id", "sessions"])).toBe("greeting");
		await cli.ok(
			["kv", "key", "put", "user:1", "--path", "wrangler.toml", "--ttl", "3600", "--metadata", '{"v":1}', "--binding", "CACHE"],
			{
				cwd: dir,
			},
		);
		const keys = JSON.parse(await cli.ok(["kv", "key", "list", "--binding", "CACHE", "--prefix", "user:"], { cwd: dir }));
		expect(keys).toEqual([{ name: "user:1", expiration: expect.any(Number), metadata: { v: 1 } }]);

		const { resources } = await cli.json(["resources", "list"]);
		expect(resources).toEqual([
			{ type: "kv_namespace", name: "CACHE", created_at: expect.any(String), keys: 2, bytes: expect.any(Number) },
			{ type: "kv_namespace", name: "sessions", created_at: expect.any(String), keys: 1, bytes: 8 },
		]);
		expect(await cli.ok(["resources", "list"])).toMatch(/kv_namespace\s+sessions\s+1\s+8 bytes/);

		await cli.ok(["kv", "key", "delete", "greeting", "--binding", "CACHE"], { cwd: dir });
		const gone = await cli.run(["kv", "key", "get", "greeting", "--binding", "CACHE"], { cwd: dir });
		expect(gone.code).toBe(1);
		expect(gone.stderr.trimEnd().split("\n")).toHaveLength(1);
		expect(gone.stderr).toContain("key 'greeting' not found in KV namespace 'CACHE'");

		// Deleting the script keeps the data; deleting the namespace deletes it.
		await cli.ok(["scripts", "delete", name, "--yes"]);
		expect(await cli.ok(["kv", "key", "get", "last", "--namespace-id", "sessions"])).toBe("greeting");
		await cli.ok(["kv", "namespace", "delete", "--namespace-id", "sessions"]);
		expect((await cli.json(["resources", "list"])).resources.map((r: { name: string }) => r.name)).toEqual(["CACHE"]);
	});

	it("says in one line what is wrong with a command", async () => {
		const dir = kvProject(uniqueName("kv-bad"));
		for (const [argv, message] of [
			[["kv", "key", "get", "k"], "name the namespace: --binding NAME (from the project's config) or --namespace-id NAME"],
			[
				["kv", "key", "get", "k", "--binding", "NOPE"],
				"wrangler.toml has no KV namespace bound as 'NOPE' (kv_namespaces); name it with --namespace-id",
			],
			[["kv", "key", "get", "k", "--namespace-id", "never-declared"], "KV namespace 'never-declared' not found"],
			[["kv", "key", "put", "k", "--binding", "CACHE"], "give the value or --path FILE, one of them"],
		] as const) {
			const { code, stderr } = await cli.run([...argv], { cwd: dir });
			expect(code).toBe(1);
			expect(stderr.trimEnd().split("\n")).toHaveLength(1);
			expect(stderr).toContain(message);
		}
	});
});
