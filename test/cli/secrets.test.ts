/** `ferry secret put|list|delete|bulk` against the real local platform: what the script then sees in env. */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type Cli, newTenant, scriptUrl, tempDir, uniqueName, uploadDirect, visit } from "./support.ts";

let cli: Cli;
let token: string;
beforeAll(async () => {
	({ cli, token } = await newTenant("secrets"));
});

/** A Worker answering with its env's string values as JSON. */
const envEcho = "export default { fetch: (request, env) => Response.json(env) };";

describe("ferry secret", () => {
	it("puts a secret from stdin or a hidden prompt, lists names only, bulk-changes and deletes; the script sees each change", async () => {
		const name = uniqueName("sec");
		await uploadDirect(token, name, "", envEcho);

		const put = await cli.ok(["secret", "put", "API_KEY", "--name", name], { input: "s3cret-from-stdin\n" });
		expect(put).toMatch(new RegExp(`Secret API_KEY set on ${name}: deployment [a-z0-9]{10} \\(the live code, not rebuilt\\) is live`));
		expect(JSON.parse((await visit(scriptUrl(name))).text)).toEqual({ API_KEY: "s3cret-from-stdin" });

		const prompted = await cli.run(["secret", "put", "TYPED", "--name", name], {
			tty: true,
			answers: { "Enter a secret value for TYPED: ": "typed-value" },
		});
		expect(prompted.code).toBe(0);
		// Hidden: the prompt is shown, the value is not echoed.
		expect(prompted.stdout).not.toContain("typed-value");

		const list = await cli.ok(["secret", "list", "--name", name]);
		expect(list).toMatch(/API_KEY\s+secret_text/);
		expect(list).not.toContain("s3cret");
		expect((await cli.json(["secret", "list", "--name", name])).secrets.map((s: { name: string }) => s.name)).toEqual(["API_KEY", "TYPED"]);

		const file = path.join(tempDir(), "secrets.json");
		writeFileSync(file, JSON.stringify({ API_KEY: null, DB_URL: "postgres://x" }));
		expect(await cli.ok(["secret", "bulk", file, "--name", name])).toContain(`2 secrets changed on ${name}`);
		expect(JSON.parse((await visit(scriptUrl(name))).text)).toEqual({ TYPED: "typed-value", DB_URL: "postgres://x" });

		expect(await cli.ok(["secret", "delete", "TYPED", "--name", name, "--yes"])).toContain(`Secret TYPED deleted on ${name}`);
		expect(JSON.parse((await visit(scriptUrl(name))).text)).toEqual({ DB_URL: "postgres://x" });
	});

	it("refuses bad input in one line with a non-zero exit", async () => {
		const name = uniqueName("sec");
		await uploadDirect(token, name, "", envEcho);
		const cases: [string[], string, string?][] = [
			[["secret", "put", "not-an-id", "--name", name], "not an identifier", "x"],
			[["secret", "put", "BIG", "--name", name], "at most 5120 bytes", "x".repeat(5121)],
			[["secret", "put", "KEY", "--name", uniqueName("missing")], "404 not_found", "x"],
			[["secret", "delete", "NOPE", "--name", name, "--yes"], "404 not_found"],
			[["secret", "delete", "KEY", "--name", name], "pass --yes"],
			[["secret", "bulk", path.join(tempDir(), "missing.json"), "--name", name], "cannot read"],
		];
		for (const [argv, message, input] of cases) {
			const result = await cli.run(argv, input === undefined ? {} : { input });
			expect(result.code, argv.join(" ")).not.toBe(0);
			expect(result.stderr).toContain(message);
			expect(result.stderr.trim().split("\n")).toHaveLength(1);
			expect(result.stderr).not.toMatch(/\n\s+at /);
		}
	});
});
