/** ferry deploy: wrangler's bundling (TypeScript, npm, nodejs_compat, wasm), the upload, progress, the summary. */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type Cli, helloProject, newTenant, platform, project, scriptUrl, tempDir, uniqueName, visit } from "./support.ts";

/** The terminal escape character (ANSI control sequences start with it). */
const ESC = String.fromCharCode(27);

/** (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)) */
const ADD_WASM = new Uint8Array([
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07,
	0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b,
]);

/** A TypeScript Worker with an npm dependency (Hono), Node.js APIs (nodejs_compat), a .wasm and a .txt import. */
const honoProject = (name: string) =>
	project(
		{
			"wrangler.toml": [
				`name = "${name}"`,
				`main = "src/index.ts"`,
				`compatibility_date = "2026-11-01"`,
				`compatibility_flags = ["nodejs_compat"]`,
				`[vars]`,
				`GREETING = "hello"`,
			].join("\n"),
			"src/index.ts": `
import { Hono } from "hono";
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import add from "./add.wasm";
import note from "./note.txt";

type Bindings = { GREETING: string; EXTRA?: string };
const app = new Hono<{ Bindings: Bindings }>();
app.get("/", (c) => c.text(\`\${c.env.GREETING} from hono\`));
app.get("/node", (c) => c.json({
	base64: Buffer.from("ferry").toString("base64"),
	sha: createHash("sha256").update("ferry").digest("hex").slice(0, 12),
}));
app.get("/wasm", async (c) => {
	const instance = await WebAssembly.instantiate(add);
	return c.json({ sum: (instance.exports.add as (a: number, b: number) => number)(2, 40) });
});
app.get("/text", (c) => c.text(note));
app.get("/env", (c) => c.json(c.env));
export default app;
`,
			"src/modules.d.ts": `declare module "*.wasm" { const m: WebAssembly.Module; export default m; }\ndeclare module "*.txt" { const s: string; export default s; }\n`,
			"src/add.wasm": ADD_WASM,
			"src/note.txt": "a text module",
		},
		true,
	);

let cli: Cli;
beforeAll(async () => {
	({ cli } = await newTenant("deployer"));
});

describe("deploying a project as wrangler would", () => {
	it("bundles TypeScript, npm dependencies, nodejs_compat, .wasm and text imports; the Worker answers", async () => {
		const name = uniqueName("hono");
		const dir = honoProject(name);
		const out = await cli.ok(["deploy"], { cwd: dir });
		// Plain progress through every state, then the summary.
		const lines = out.split("\n");
		const states = lines.filter((l) => l.startsWith("Deployment ")).map((l) => l.split(": ")[1]);
		expect(states).toEqual(["Queued", "Built", "Loaded", "Deployed"]);
		const id = lines
			.find((l) => l.startsWith("Deployment "))!
			.split(" ")[1]!
			.replace(":", "");
		expect(out).toMatch(new RegExp(`URL\\s+${scriptUrl(name).replace(/[.]/g, "\\.")}`));
		expect(out).toContain(`http://${id}--${name}.localhost:${platform().port}/`);
		expect(out).toMatch(new RegExp(`Deployment\\s+${id}`));
		expect(out).toMatch(/Artifact\s+[\d.]+ KiB, sha256 [0-9a-f]{12}/);
		expect(out).toMatch(/Time\s+[\d.]+ m?s \(bundling/);

		expect(await visit(scriptUrl(name))).toEqual({ status: 200, text: "hello from hono" });
		expect(JSON.parse((await visit(`${scriptUrl(name)}node`)).text)).toEqual({
			base64: Buffer.from("ferry").toString("base64"),
			sha: createHash("sha256").update("ferry").digest("hex").slice(0, 12),
		});
		expect(JSON.parse((await visit(`${scriptUrl(name)}wasm`)).text)).toEqual({ sum: 42 });
		expect((await visit(`${scriptUrl(name)}text`)).text).toBe("a text module");
	});

	it("uploads .wasm imports as application/wasm parts (--dry-run --json lists what would go up)", async () => {
		const name = uniqueName("dry");
		const dir = honoProject(name);
		const outdir = path.join(tempDir(), "bundle");
		// No login needed for a dry run; --debug adds wrangler's own output on stderr, stdout stays JSON.
		const { code, stdout, stderr } = await cli
			.with({ FERRY_API_TOKEN: undefined })
			.run(["deploy", "--dry-run", "--outdir", outdir, "--json", "--debug"], { cwd: dir });
		expect(code).toBe(0);
		expect(stderr).toContain("--dry-run: exiting now.");
		const result = JSON.parse(stdout);
		expect(result).toMatchObject({ dry_run: true, name, metadata: { main_module: "index.js", compatibility_flags: ["nodejs_compat"] } });
		const types = Object.fromEntries(
			result.modules.map((m: { name: string; type: string }) => [m.name.replace(/^\.\/[0-9a-f]+-/, ""), m.type]),
		);
		expect(types).toMatchObject({ "index.js": "application/javascript+module", "add.wasm": "application/wasm", "note.txt": "text/plain" });
		// The modules keep wrangler's names ("./<hash>-add.wasm"); the API takes the leading "./" as the same module.
		const wasm = result.modules.find((m: { type: string }) => m.type === "application/wasm");
		expect(wasm.name).toMatch(/^\.\/[0-9a-f]+-add\.wasm$/);
		expect(readFileSync(path.join(outdir, wasm.name))).toEqual(Buffer.from(ADD_WASM));
		expect(JSON.parse(readFileSync(path.join(outdir, "metadata.json"), "utf8")).main_module).toBe("index.js");
		expect(existsSync(path.join(outdir, "index.js"))).toBe(true);
		// Nothing was deployed.
		expect((await cli.json(["scripts", "list"])).scripts.map((s: { name: string }) => s.name)).not.toContain(name);
	});

	it("takes --name, --var and --compatibility-date over the config, and an entry without any config", async () => {
		const name = uniqueName("flags");
		const dir = honoProject(uniqueName("unused"));
		await cli.ok(["deploy", "--name", name, "--var", "GREETING:hi", "--var", "EXTRA:a:b", "--compatibility-date", "2026-10-01"], {
			cwd: dir,
		});
		expect(await visit(scriptUrl(name))).toEqual({ status: 200, text: "hi from hono" });
		expect(JSON.parse((await visit(`${scriptUrl(name)}env`)).text)).toEqual({ GREETING: "hi", EXTRA: "a:b" });

		const bare = project({ "worker.js": `export default { fetch: () => new Response("bare") };` });
		const bareName = uniqueName("bare");
		await cli.ok(["deploy", "worker.js", "--name", bareName, "--compatibility-date", "2026-11-01"], { cwd: bare });
		expect((await visit(scriptUrl(bareName))).text).toBe("bare");
	});

	it("finds the config from a subdirectory, and reads wrangler.jsonc", async () => {
		const name = uniqueName("jsonc");
		const dir = project({
			"wrangler.jsonc": `{\n  // comments are fine\n  "name": "${name}",\n  "main": "src/index.js",\n  "compatibility_date": "2026-11-01",\n  "vars": { "WHO": "jsonc" }\n}\n`,
			"src/index.js": `export default { fetch: (r, env) => new Response(env.WHO) };`,
		});
		await cli.ok(["deploy"], { cwd: path.join(dir, "src") });
		expect((await visit(scriptUrl(name))).text).toBe("jsonc");
	});

	it("prints only JSON on stdout with --json (progress goes to stderr)", async () => {
		const name = uniqueName("json");
		const { code, stdout, stderr } = await cli.run(["deploy", "--json"], { cwd: helloProject(name, "json") });
		expect(code).toBe(0);
		const result = JSON.parse(stdout);
		expect(result).toMatchObject({ deployment: { state: "Deployed", script: name, live: true }, url: scriptUrl(name) });
		expect(result.preview_url).toBe(`http://${result.deployment.id}--${name}.localhost:${platform().port}/`);
		expect(result.duration_ms).toBeGreaterThan(0);
		expect(stderr).toContain(`Deployment ${result.deployment.id}: Deployed`);
	});

	it("shows live progress on a terminal", async () => {
		const name = uniqueName("tty");
		const { code, stdout } = await cli.run(["deploy"], { cwd: helloProject(name, "tty"), tty: true });
		expect(code).toBe(0);
		expect(stdout).toContain(`\r${ESC}[2K`);
		expect(stdout).toMatch(/Deployment [a-z0-9]{10}: Queued → Built → Loaded → Deployed/);
		expect(stdout).toContain(`${ESC}[32m✔${ESC}[39m Deployed `);
	});
});
