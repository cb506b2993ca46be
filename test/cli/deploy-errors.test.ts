/** ferry deploy when things go wrong: failed deployments, bad projects and flags, Ctrl-C at each step. */

import { connect } from "node:net";
import { beforeAll, describe, expect, it } from "vitest";
import { type Cli, helloProject, newTenant, platform, project, scriptUrl, uniqueName, uploadDirect, visit } from "./support.ts";

let cli: Cli;
let token: string;
beforeAll(async () => {
	({ cli, token } = await newTenant("deployer"));
});

describe("deploy failures", () => {
	it("reports a deployment that ends in Error; the previous one keeps serving", async () => {
		const name = uniqueName("fail");
		await uploadDirect(token, name, "good");
		const broken = project({
			"wrangler.toml": `name = "${name}"\nmain = "index.js"\ncompatibility_date = "2026-11-01"\n`,
			"index.js": `throw new Error("boom at startup");\nexport default { fetch: () => new Response("bad") };\n`,
		});
		const { code, stdout, stderr } = await cli.run(["deploy"], { cwd: broken });
		expect(code).toBe(1);
		expect(stdout).toMatch(/Deployment [a-z0-9]{10}: Error \(.*boom at startup/);
		expect(stderr).toMatch(/✘ deployment ([a-z0-9]{10}) failed at the load stage: .*boom at startup.* \(PUT .* → 422 deployment_failed\)/);
		expect(stderr).toMatch(/previous deployment \(if any\) keeps serving; details: ferry deployments view [a-z0-9]{10}/);
		expect((await visit(scriptUrl(name))).text).toBe("good");
	});

	it.each([
		["no config and no entry", {}, [], "no wrangler.toml or wrangler.jsonc here or above"],
		["a TOML syntax error", { "wrangler.toml": `name = "x` }, [], "Invalid TOML document"],
		[
			"a missing compatibility date",
			{ "wrangler.toml": `name = "nodate"\nmain = "i.js"`, "i.js": "export default {}" },
			[],
			"A compatibility_date is required",
		],
		[
			"a module that cannot be resolved",
			{
				"wrangler.toml": `name = "unres"\nmain = "i.js"\ncompatibility_date = "2026-11-01"`,
				"i.js": `import x from "not-installed"; export default x;`,
			},
			[],
			'Could not resolve "not-installed"',
		],
		[
			"a reserved name",
			{ "wrangler.toml": `name = "api"\nmain = "i.js"\ncompatibility_date = "2026-11-01"`, "i.js": "export default {}" },
			[],
			"invalid script name 'api' (the config's name): 'api' is reserved by the platform",
		],
		[
			"a JSON var over 5 KiB",
			{
				"wrangler.toml": `name = "bigvar"\nmain = "i.js"\ncompatibility_date = "2026-11-01"\n[vars]\nBIG = [${"1,".repeat(3000)}1]`,
				"i.js": "export default { fetch: () => new Response('never') }",
			},
			[],
			"var 'BIG' is 6003 bytes of JSON: a var is at most 5120 bytes",
		],
		["an invalid --name", {}, ["i.js", "--name", "No_Good"], "invalid script name 'No_Good' (--name)"],
		["a --var without a value", {}, ["i.js", "--var", "NOPE"], "--var 'NOPE' is not KEY:VALUE (e.g. --var GREETING:hello)"],
		[
			"a bad --compatibility-date",
			{},
			["i.js", "--compatibility-date", "soon"],
			"--compatibility-date 'soon' is not a date: use YYYY-MM-DD",
		],
	])("refuses %s with one line and exit code 1", async (_, files, argv, message) => {
		const { code, stderr } = await cli.run(["deploy", ...argv], { cwd: project(files) });
		expect(code).toBe(1);
		const errors = stderr.split("\n").filter((l) => l.startsWith("✘"));
		expect(errors).toHaveLength(1);
		expect(errors[0]).toContain(message);
		expect(stderr).not.toMatch(/\n\s+at /);
	});

	it("checks the token before it bundles or uploads", async () => {
		const name = uniqueName("badtoken");
		const { code, stdout, stderr } = await cli
			.with({ FERRY_API_TOKEN: "ferry_not-a-real-token" })
			.run(["deploy"], { cwd: helloProject(name, "never") });
		expect(code).toBe(1);
		// Nothing was bundled (no progress at all) and the one request was the check.
		expect(stdout).toBe("");
		const [error, hint, ...rest] = stderr.trimEnd().split("\n");
		expect(error).toMatch(/^✘ .* \(GET http:\/\/api\.localhost:\d+\/v1\/whoami → 401 unauthorized\)$/);
		expect(hint).toContain("ferry login");
		expect(rest).toEqual([]);
		expect((await visit(scriptUrl(name))).status).toBe(404);
	});

	it("needs a login before it bundles", async () => {
		const { code, stdout, stderr } = await cli
			.with({ FERRY_API_TOKEN: undefined })
			.run(["deploy"], { cwd: helloProject(uniqueName("x"), "x") });
		expect(code).toBe(1);
		expect(stdout).toBe("");
		expect(stderr).toBe("✘ not logged in: run 'ferry login' (or set FERRY_API_TOKEN)\n");
	});
});

describe("Ctrl-C during a deploy", () => {
	const exists = async (name: string) => (await cli.json(["scripts", "list"])).scripts.some((s: { name: string }) => s.name === name);

	it("while bundling: stops wrangler, uploads nothing", async () => {
		const name = uniqueName("int-bundle");
		const { code, stderr } = await cli.run(["deploy"], { cwd: helloProject(name, "x"), interruptOn: "Bundling" });
		expect(code).toBe(130);
		expect(stderr).toBe("✘ cancelled while bundling: nothing was uploaded\n");
		expect(await exists(name)).toBe(false);
	});

	it("before the upload is complete: the platform stores nothing", async () => {
		const name = uniqueName("int-upload");
		await uploadDirect(token, name, "before");
		const { code, stderr } = await cli.run(["deploy"], { cwd: helloProject(name, "after"), interruptOn: "Uploading" });
		expect(code).toBe(130);
		expect(stderr).toContain(
			`✘ cancelled during the upload: the platform stores nothing from an incomplete upload, so ${name} still serves what it served before`,
		);
		expect((await cli.json(["deployments", "list", name])).deployments).toHaveLength(1);
		expect((await visit(scriptUrl(name))).text).toBe("before");
	});

	it("after the upload: stops waiting, and the platform finishes the deployment", async () => {
		const name = uniqueName("int-after");
		const { code, stderr } = await cli.run(["deploy"], { cwd: helloProject(name, "finished anyway"), interruptOn: ": Queued" });
		expect(code).toBe(130);
		const id = stderr.match(/ferry deployments view ([a-z0-9]{10})/)?.[1];
		expect(stderr).toContain("✘ stopped waiting: the upload was complete, so the platform finishes this deployment on its own");
		expect(id).toBeDefined();
		await expect
			.poll(async () => (await cli.json(["deployments", "view", id!])).deployment.state, { timeout: 30_000, interval: 100 })
			.toBe("Deployed");
		expect((await visit(scriptUrl(name))).text).toBe("finished anyway");
	});

	it("an upload cut off mid-body leaves nothing on the platform", async () => {
		const name = uniqueName("cut");
		const boundary = "ferryboundary";
		const head = `--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n{"main_module":"index.js"}\r\n--${boundary}\r\nContent-Disposition: form-data; name="index.js"; filename="index.js"\r\nContent-Type: application/javascript+module\r\n\r\nexport default {`;
		// Raw HTTP, so that the body can stop short of its announced length: the connection stops sending
		// before the rest of the module and the closing boundary. The API's answer to that is the signal
		// that it has finished with the request, so the absence checked after it is not a race.
		const answer = await rawRequest(
			`PUT /v1/scripts/${name} HTTP/1.1\r\nhost: api.localhost:${platform().port}\r\nauthorization: Bearer ${token}\r\n` +
				`content-type: multipart/form-data; boundary=${boundary}\r\ncontent-length: ${head.length + 1000}\r\n\r\n${head}`,
		);
		expect(answer).toMatch(/^HTTP\/1\.1 400 /);
		expect(answer).toContain('"code":"invalid_multipart"');
		expect(answer).toContain("the upload was incomplete");
		expect(await exists(name)).toBe(false);
		expect((await visit(scriptUrl(name))).status).toBe(404);
	});
});

/** Sends `request` as is to the platform, stops sending (half-close), and reads the answer until the platform closes the connection. */
function rawRequest(request: string): Promise<string> {
	return new Promise((resolve, reject) => {
		let answer = "";
		const socket = connect(platform().port, "127.0.0.1", () => socket.end(request));
		socket.setEncoding("utf8");
		socket.on("data", (chunk: string) => (answer += chunk));
		socket.on("close", () => resolve(answer));
		socket.on("error", reject);
	});
}
