/** The command framework: the table, --help everywhere, strict flags, one-line errors and exit codes. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { allCommands } from "../../cli/src/commands/index.ts";
import { commandReference } from "../../cli/src/core/help.ts";
import { ROOT } from "../../local/paths.ts";
import { freePort } from "../../local/ports.ts";
import { Cli } from "./support.ts";

const cli = new Cli();

describe("help", () => {
	it.each(allCommands().map(([name]) => [name]))("ferry %s --help prints its usage and exits 0", async (name) => {
		const { code, stdout, stderr } = await cli.run([...name.split(" "), "--help"]);
		expect(code).toBe(0);
		expect(stderr).toBe("");
		expect(stdout).toMatch(new RegExp(`^ferry ${name}: `));
		expect(stdout).toContain(`USAGE\n  ferry ${name}`);
	});

	it("lists every command with no arguments, for --help, and for a noun alone", async () => {
		for (const argv of [[], ["--help"], ["-h"]]) {
			const { code, stdout } = await cli.run(argv);
			expect(code).toBe(0);
			for (const [name] of allCommands()) expect(stdout).toContain(`  ${name} `);
		}
		const scripts = await cli.run(["scripts"]);
		expect(scripts.code).toBe(0);
		expect(scripts.stdout).toContain("scripts list");
		expect(scripts.stdout).not.toContain("tokens create");
	});

	it("prints the version", async () => {
		const { version } = JSON.parse(readFileSync(path.join(ROOT, "cli", "package.json"), "utf8"));
		expect((await cli.run(["--version"])).stdout).toBe(`${version}\n`);
	});

	it("keeps the command reference in docs/cli.md in step with the commands", async () => {
		const docs = readFileSync(path.join(ROOT, "docs", "cli.md"), "utf8");
		expect(docs, "docs/cli.md is stale: run `npm run docs:cli`").toContain(await commandReference());
	});
});

describe("bad usage", () => {
	it.each([
		[["nope"], "unknown command 'nope'; run 'ferry --help' for the list"],
		[["scripts", "frob"], "unknown command 'scripts frob'; run 'ferry scripts --help' for its commands"],
		[["--frob"], "unknown option '--frob'; run 'ferry --help' for usage"],
		[["scripts", "list", "--frob"], "unknown option '--frob' for 'ferry scripts list'; run 'ferry scripts list --help' for its usage"],
		[["deploy", "-z"], "unknown option '-z' for 'ferry deploy'"],
		[["deploy", "--name"], "option --name needs a value, e.g. --name NAME"],
		[["deploy", "--name", "a", "--name", "b"], "option --name is given twice; give it once"],
		[["scripts", "list", "extra"], "unexpected argument 'extra' for 'ferry scripts list'"],
		[["scripts", "delete"], "'ferry scripts delete' needs <NAME>"],
		[["scripts", "delete", "x", "--yes=no"], "option --yes takes no value"],
		[["init", "x", "--template", "rust"], "invalid value 'rust' for --template: use one of ts, js, hono"],
		[["deployments", "list", "x", "--limit", "500"], "--limit '500' is not a number from 1 to 200"],
	])("ferry %j fails with one line saying what to fix", async (argv, message) => {
		const { code, stdout, stderr } = await cli.run(argv);
		expect(code).toBe(1);
		expect(stdout).toBe("");
		expect(stderr.split("\n").filter(Boolean)).toHaveLength(1);
		expect(stderr).toContain(`✘ ${message}`);
	});

	it("says when there is no login, and which API could not be reached", async () => {
		const notLoggedIn = await cli.run(["scripts", "list"]);
		expect(notLoggedIn.code).toBe(1);
		expect(notLoggedIn.stderr).toBe("✘ not logged in: run 'ferry login' (or set FERRY_API_TOKEN)\n");

		const port = await freePort();
		const unreachable = await cli.run(["whoami"], { env: { FERRY_API_URL: `http://api.localhost:${port}`, FERRY_API_TOKEN: "ferry_x" } });
		expect(unreachable.code).toBe(1);
		expect(unreachable.stderr).toContain(
			`✘ could not reach the Ferry API: GET http://api.localhost:${port}/v1/whoami failed (ECONNREFUSED)`,
		);
		expect(unreachable.stderr).toContain("is the platform running");
		expect(unreachable.stderr).not.toMatch(/\n\s+at /);
	});

	it("shows a stack trace only with --debug", async () => {
		const env = { FERRY_API_URL: `http://api.localhost:${await freePort()}`, FERRY_API_TOKEN: "ferry_x" };
		expect((await cli.run(["whoami"], { env })).stderr).not.toMatch(/\n\s+at /);
		const debug = await cli.run(["whoami", "--debug"], { env });
		expect(debug.code).toBe(1);
		expect(debug.stderr).toMatch(/NetworkError: could not reach the Ferry API[^\n]*\n\s+at /);
	});

	it("refuses an API URL that is not http(s)", async () => {
		const { code, stderr } = await cli.run(["whoami"], { env: { FERRY_API_URL: "ftp://x", FERRY_API_TOKEN: "ferry_x" } });
		expect(code).toBe(1);
		expect(stderr).toBe("✘ the API URL must be http:// or https://, not 'ftp:'\n");
	});
});
