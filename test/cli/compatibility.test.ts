/**
 * The config half of the compatibility table: `ferry deploy` refuses every wrangler config key the
 * table refuses (and the refused values of the keys it supports differently) in one line naming the
 * key, before it bundles anything; typed vars deploy and arrive in env with their types.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type Row, WRANGLER_CONFIG } from "../../workers/shared/compatibility/index.ts";
import { type Cli, newTenant, project, scriptUrl, uniqueName, visit } from "./support.ts";

let cli: Cli;
beforeAll(async () => {
	({ cli } = await newTenant("compat"));
});

function refusedExample(row: Row): { value: unknown } | undefined {
	if (row.support === "refused") return { value: row.example };
	if (row.support === "differently" && row.refuses) return { value: row.refuses.example };
	return undefined;
}

const refusedKeys = Object.entries(WRANGLER_CONFIG).flatMap(([key, row]) => {
	const example = refusedExample(row);
	return example ? [[key, example.value] as const] : [];
});

describe("ferry deploy and the wrangler config", () => {
	it.each(refusedKeys)("refuses %s in one line before bundling", async (key, value) => {
		const config = { name: uniqueName("compat"), main: "src/index.js", compatibility_date: "2026-11-01", [key]: value };
		const dir = project({
			"wrangler.jsonc": JSON.stringify(config, null, 2),
			"src/index.js": "export default { fetch: () => new Response('never') };\n",
		});
		const { code, stdout, stderr } = await cli.run(["deploy"], { cwd: dir });
		expect(code).toBe(1);
		// Nothing was bundled or sent: no progress at all.
		expect(stdout).toBe("");
		const lines = stderr.trimEnd().split("\n");
		expect(lines).toHaveLength(1);
		expect(lines[0]).toMatch(
			new RegExp(`^✘ wrangler\\.jsonc: '${key.replace("$", "\\$")}'( = .*)? is not supported: .*\\(see docs/compatibility\\.md\\)$`),
		);
	});

	it("names every refused key of a config in its one line", async () => {
		const dir = project({
			"wrangler.jsonc": JSON.stringify({
				name: uniqueName("compat"),
				main: "src/index.js",
				compatibility_date: "2026-11-01",
				limits: { cpu_ms: 50 },
				queues: { producers: [{ binding: "QUEUE", queue: "queue" }] },
				workers_dev: false,
			}),
			"src/index.js": "export default { fetch: () => new Response('never') };\n",
		});
		const { code, stderr } = await cli.run(["deploy"], { cwd: dir });
		expect(code).toBe(1);
		expect(stderr.trimEnd().split("\n")).toHaveLength(1);
		expect(stderr).toMatch(/and 2 more: /);
		for (const key of ["limits", "queues", "workers_dev"]) expect(stderr).toContain(`'${key}'`);
	});

	it("refuses a key of the environment it deploys, not of another", async () => {
		const name = uniqueName("compat-env");
		const dir = project({
			"wrangler.jsonc": JSON.stringify({
				name,
				main: "src/index.js",
				compatibility_date: "2026-11-01",
				env: { staging: { limits: { cpu_ms: 10 } } },
			}),
			"src/index.js": "export default { fetch: () => new Response('top level') };\n",
		});
		const staging = await cli.run(["deploy", "--env", "staging"], { cwd: dir });
		expect(staging.code).toBe(1);
		expect(staging.stderr).toContain("'limits' is not supported");
		await cli.ok(["deploy"], { cwd: dir });
		expect((await visit(scriptUrl(name))).text).toBe("top level");
	});

	it("deploys vars of every type, which arrive in env with their types", async () => {
		const name = uniqueName("typed");
		const dir = project({
			"wrangler.toml": [
				`name = "${name}"`,
				`main = "src/index.js"`,
				`compatibility_date = "2026-11-01"`,
				"[vars]",
				`TEXT = "hello"`,
				"COUNT = 42",
				"RATIO = 0.5",
				"ENABLED = true",
				`LIST = ["a", 1]`,
				"[vars.NESTED]",
				`deep = { on = false }`,
			].join("\n"),
			"src/index.js": `export default { fetch: (request, env) => Response.json(Object.fromEntries(
				Object.entries(env).map(([key, value]) => [key, [Array.isArray(value) ? "array" : typeof value, value]]))) };\n`,
		});
		await cli.ok(["deploy"], { cwd: dir });
		expect(JSON.parse((await visit(scriptUrl(name))).text)).toEqual({
			TEXT: ["string", "hello"],
			COUNT: ["number", 42],
			RATIO: ["number", 0.5],
			ENABLED: ["boolean", true],
			LIST: ["array", ["a", 1]],
			NESTED: ["object", { deep: { on: false } }],
		});
	});
});
