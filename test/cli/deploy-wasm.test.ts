/** ferry deploy with WebAssembly: a WASI module deployed as it is (no bundler), and a Worker importing .wasm. */
import { cpSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../local/paths.ts";
import { loopbackFetch } from "../../loopback/index.ts";
import { type Cli, newTenant, project, scriptUrl, tempDir, uniqueName, visit } from "./support.ts";

const ECHO = path.join(ROOT, "examples/wagi-c-echo/echo.wasm");
/** The WAGI test fixture: GET /env prints its arguments and environment. */
const CASES = path.join(ROOT, "test/fixtures/wasi/cases.wasm");
/** A WebAssembly library (exports functions, no _start): valid wasm, but not a WASI command. */
const LIBRARY = path.join(ROOT, "examples/worker-wasm/src/greet.wasm");

let cli: Cli;
beforeAll(async () => {
	({ cli } = await newTenant("wasm"));
});

/** The one ✘ line of a failed run (errors are one line, without a stack trace). */
function oneError(stderr: string): string {
	const errors = stderr.split("\n").filter((l) => l.startsWith("✘"));
	expect(errors).toHaveLength(1);
	expect(stderr).not.toMatch(/\n\s+at /);
	return errors[0]!;
}

describe("deploying a WASI module", () => {
	it("uploads the .wasm as it is; the CGI echo answers over HTTP", async () => {
		const name = uniqueName("echo");
		const out = await cli.ok(["deploy", ECHO, "--name", name]);
		expect(out).toMatch(new RegExp(`Read ${name} in [\\d.]+ m?s: 1 module, [\\d.]+ KiB, a WASI module`));
		const states = out
			.split("\n")
			.filter((l) => l.startsWith("Deployment "))
			.map((l) => l.split(": ")[1]);
		expect(states).toEqual(["Queued", "Built", "Loaded", "Deployed"]);
		expect(out).toMatch(/Time\s+[\d.]+ m?s \(reading/);

		const response = await loopbackFetch(`${scriptUrl(name)}hello?x=1`, { method: "POST", body: "a body", headers: { "x-test": "yes" } });
		expect(response.status).toBe(201);
		expect(response.headers.get("x-powered-by")).toBe("C (wasi-libc)");
		const text = await response.text();
		expect(text).toContain("method=POST\npath=/hello\nquery=x=1\n");
		expect(text).toContain("HTTP_X_TEST=yes\n");
		expect(text).toContain("stdin=6\n");
	});

	it("takes main, name and vars from the config; --var and --compatibility-date override them", async () => {
		const name = uniqueName("cases");
		const dir = project({
			"wrangler.toml": `name = "${name}"\nmain = "build/cases.wasm"\ncompatibility_date = "2026-11-01"\n[vars]\nGREETING = "from config"\nMODE = "config"\nLIMITS = { n = 3 }\n`,
			"build/cases.wasm": readFileSync(CASES),
		});
		const result = await cli.json(["deploy", "--var", "MODE:flag:on", "--compatibility-date", "2026-10-01"], {
			cwd: path.join(dir, "build"),
		});
		expect(result).toMatchObject({ deployment: { state: "Deployed", script: name, live: true }, url: scriptUrl(name) });
		const env = (await visit(`${scriptUrl(name)}env`)).text;
		expect(env).toContain("env=GREETING=from config\n");
		expect(env).toContain("env=MODE=flag:on\n");
		expect(env).toContain('env=LIMITS={"n":3}\n');
	});

	it("--dry-run --json names the wasm part and sends nothing; --outdir writes it", async () => {
		const name = uniqueName("dry");
		const outdir = path.join(tempDir(), "upload");
		const { code, stdout } = await cli
			.with({ FERRY_API_TOKEN: undefined })
			.run([
				"deploy",
				ECHO,
				"--name",
				name,
				"--var",
				"A:b",
				"--compatibility-date",
				"2026-11-01",
				"--dry-run",
				"--outdir",
				outdir,
				"--json",
			]);
		expect(code).toBe(0);
		const result = JSON.parse(stdout);
		expect(result).toEqual({
			dry_run: true,
			name,
			size_bytes: expect.any(Number),
			metadata: { wasi: "wagi", main_module: "echo.wasm", compatibility_date: "2026-11-01", vars: { A: "b" } },
			modules: [{ name: "echo.wasm", type: "application/wasm", size_bytes: readFileSync(ECHO).byteLength }],
		});
		expect(readFileSync(path.join(outdir, "echo.wasm"))).toEqual(readFileSync(ECHO));
		expect(JSON.parse(readFileSync(path.join(outdir, "metadata.json"), "utf8"))).toEqual(result.metadata);
		expect((await cli.json(["scripts", "list"])).scripts.map((s: { name: string }) => s.name)).not.toContain(name);
	});

	it("refuses a module without _start on one line; the previous deployment keeps serving", async () => {
		const name = uniqueName("nostart");
		await cli.ok(["deploy", ECHO, "--name", name]);
		const { code, stderr } = await cli.run(["deploy", LIBRARY, "--name", name]);
		expect(code).toBe(1);
		expect(oneError(stderr)).toMatch(
			/failed at the build stage: WASI module 'greet\.wasm' exports no _start function.* → 422 deployment_failed/,
		);
		const still = await visit(`${scriptUrl(name)}still`);
		expect(still.status).toBe(200);
		expect(still.text).toContain("path=/still\n");
	});

	it.each([
		["a missing file", {}, ["missing.wasm", "--name", "x"], "missing.wasm: no such file"],
		[
			"a file that is not WebAssembly",
			{ "app.wasm": "(module)" },
			["app.wasm", "--name", "x"],
			"app.wasm is not WebAssembly: it does not start with the magic number \\0asm",
		],
		["no name", { "app.wasm": readFileSync(ECHO) }, ["app.wasm"], "name the script: ferry deploy app.wasm --name <name>"],
		[
			"a config without a name",
			{ "wrangler.toml": `main = "app.wasm"\n`, "app.wasm": readFileSync(ECHO) },
			[],
			"name the script: ferry deploy app.wasm --name <name>",
		],
		[
			"a --config that is not there",
			{ "app.wasm": readFileSync(ECHO) },
			["app.wasm", "--name", "x", "--config", "nope.toml"],
			"no config file at nope.toml",
		],
	])("refuses %s with one line and exit code 1", async (_, files, argv, message) => {
		const { code, stdout, stderr } = await cli.run(["deploy", ...argv], { cwd: project(files) });
		expect(code).toBe(1);
		expect(oneError(stderr)).toContain(message);
		expect(stdout).not.toContain("Uploading");
	});
});

describe("deploying a Worker that imports .wasm", () => {
	it("bundles examples/worker-wasm with wrangler; it answers", async () => {
		const name = uniqueName("greeter");
		// A copy: wrangler writes its .wrangler/ folder into the project.
		const dir = tempDir("ferry-cli-example-");
		cpSync(path.join(ROOT, "examples/worker-wasm"), dir, { recursive: true });
		const out = await cli.ok(["deploy", "--name", name], { cwd: dir });
		// greet.js is bundled into the Worker; greet.wasm stays its own module.
		expect(out).toMatch(/Bundled .*: 2 modules/);
		expect(await visit(`${scriptUrl(name)}?name=Ada`)).toEqual({ status: 200, text: "Hello, Ada, from WebAssembly!\n" });
		const counted = await loopbackFetch(scriptUrl(name), { method: "POST", body: "one two three" });
		expect(await counted.json()).toEqual({ words: 3 });
	});
});
