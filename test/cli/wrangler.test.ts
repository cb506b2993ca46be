/**
 * Stock wrangler (the repo's pinned binary) and the `cloudflare` SDK against the real local platform
 * through /client/v4, configured only by the environment a user sets (docs/wrangler.md): the base
 * URL, the tenant's token as the API token and the tenant id as the account id. create-cloudflare's
 * templates deploy unchanged and answer; versions, deployments and rollback move the live route; a
 * delete takes the script away. One platform (the CLI project's), wrangler runs one at a time.
 */
import { execFile, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import Cloudflare from "cloudflare";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../local/paths.ts";
import { loopbackFetch } from "../../loopback/index.ts";
import { versionIdOf } from "../../workers/api/src/client-v4/ids.ts";
import { Cli, helloProject, platform, project, scriptUrl, tempDir, uniqueName, uploadDirect, visit } from "./support.ts";
import { fromTemplate } from "./templates.ts";

const execFileAsync = promisify(execFile);
const WRANGLER = path.join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");

interface Tenant {
	id: string;
	name: string;
	token: string;
}

async function tenant(prefix: string): Promise<Tenant> {
	const name = uniqueName(prefix);
	const created = await new Cli({ FERRY_ADMIN_TOKEN: platform().adminToken }).json(["tenants", "create", name]);
	return { id: created.tenant.id, name, token: created.token.token };
}

/** The base URL docs/wrangler.md gives: Node cannot resolve api.localhost, localhost it can. */
const baseUrl = () => `http://localhost:${platform().port}/client/v4`;

/** Only what a user sets: no Cloudflare credentials of this machine, a config home of its own, no metrics. */
function wranglerEnv(who: Tenant, accountId = who.id): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...process.env };
	for (const name of Object.keys(env))
		if (name.startsWith("CLOUDFLARE_") || name.startsWith("WRANGLER_") || name === "CI") delete env[name];
	return {
		...env,
		PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`,
		XDG_CONFIG_HOME: configHome,
		CLOUDFLARE_API_BASE_URL: baseUrl(),
		CLOUDFLARE_API_TOKEN: who.token,
		CLOUDFLARE_ACCOUNT_ID: accountId,
		WRANGLER_SEND_METRICS: "false",
	};
}

async function wrangler(who: Tenant, args: string[], cwd: string, accountId?: string, input?: string) {
	try {
		const running = execFileAsync(process.execPath, [WRANGLER, ...args], {
			cwd,
			env: wranglerEnv(who, accountId),
			timeout: 90_000,
		});
		// What a pipe gives it (`echo value | wrangler secret put NAME`); otherwise stdin is closed at once.
		running.child.stdin?.end(input ?? "");
		const { stdout, stderr } = await running;
		return { code: 0, stdout, stderr };
	} catch (error) {
		const failed = error as { code?: number; stdout?: string; stderr?: string };
		return { code: failed.code ?? 1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
	}
}

async function ok(who: Tenant, args: string[], cwd: string): Promise<string> {
	const result = await wrangler(who, args, cwd);
	expect(result.code, `wrangler ${args.join(" ")}: ${result.stdout}${result.stderr}`).toBe(0);
	return result.stdout;
}

async function json<T>(who: Tenant, args: string[], cwd: string): Promise<T> {
	return JSON.parse(await ok(who, [...args, "--json"], cwd)) as T;
}

let configHome: string;
let alice: Tenant;
let bob: Tenant;
beforeAll(async () => {
	configHome = tempDir("ferry-wrangler-config-");
	[alice, bob] = await Promise.all([tenant("wr-alice"), tenant("wr-bob")]);
});

interface Version {
	id: string;
	metadata: { created_on: string };
}
interface Deployment {
	created_on: string;
	versions: { version_id: string; percentage: number }[];
}

describe("wrangler against /client/v4", () => {
	// One script through its life, a step per test (they run in order and share it).
	const hello = { name: "", dir: "", v1: "", v2: "" };

	it("hello-world/ts: the first deploy uploads the script and it answers", async () => {
		hello.name = uniqueName("wr-hello");
		hello.dir = fromTemplate("hello-world/ts", hello.name);
		const first = await ok(alice, ["deploy"], hello.dir);
		expect(first).toContain(`Uploaded ${hello.name}`);
		expect(first).toContain(`${hello.name}.localhost`);
		expect(await visit(scriptUrl(hello.name))).toEqual({ status: 200, text: "Hello World!" });
	});

	it("a redeploy goes through versions and deployments, as on Cloudflare; versions list and view", async () => {
		const source = path.join(hello.dir, "src", "index.ts");
		writeFileSync(source, readFileSync(source, "utf8").replace("Hello World!", "Hello again!"));
		await ok(alice, ["deploy"], hello.dir);
		expect(await visit(scriptUrl(hello.name))).toEqual({ status: 200, text: "Hello again!" });

		const versions = await json<Version[]>(alice, ["versions", "list"], hello.dir);
		expect(versions).toHaveLength(2);
		const [v1, v2] = versions.sort((a, b) => a.metadata.created_on.localeCompare(b.metadata.created_on));
		hello.v1 = v1!.id;
		hello.v2 = v2!.id;
		const view = await ok(alice, ["versions", "view", hello.v1], hello.dir);
		expect(view).toContain(hello.v1);
		expect(view).toMatch(/Compatibility Date:\s+2026-11-01/);
	});

	it("deployments list and status; rollback moves the live route back, and forward by version id", async () => {
		const { name, dir, v1, v2 } = hello;
		const deployments = await json<Deployment[]>(alice, ["deployments", "list"], dir);
		expect(deployments.map((d) => d.versions)).toEqual([[{ version_id: v1, percentage: 100 }], [{ version_id: v2, percentage: 100 }]]);
		expect((await json<Deployment>(alice, ["deployments", "status"], dir)).versions[0]?.version_id).toBe(v2);

		// With no version: the one deployed before the current one.
		const rolled = await ok(alice, ["rollback", "--yes"], dir);
		expect(rolled).toContain(`Worker Version ${v1} has been deployed to 100% of traffic`);
		expect(await visit(scriptUrl(name))).toEqual({ status: 200, text: "Hello World!" });
		expect((await json<Deployment>(alice, ["deployments", "status"], dir)).versions[0]?.version_id).toBe(v1);
		await ok(alice, ["rollback", v2, "--yes"], dir);
		expect(await visit(scriptUrl(name))).toEqual({ status: 200, text: "Hello again!" });
	});

	it("whoami shows the tenant as the account; other accounts and other tenants' scripts are refused", async () => {
		const whoami = await ok(alice, ["whoami"], hello.dir);
		expect(whoami).toContain(alice.name);
		expect(whoami).toContain(alice.id);

		// Another tenant's account id answers as Cloudflare does for an account the token cannot reach.
		const foreign = await wrangler(alice, ["deployments", "list"], hello.dir, bob.id);
		expect(foreign.code).not.toBe(0);
		expect(foreign.stderr + foreign.stdout).toContain("Authentication error");
		expect(foreign.stderr + foreign.stdout).toContain("[code: 10000]");
		// Bob's own token and account do not see Alice's script: "not found", as for any missing one.
		const unseen = await wrangler(bob, ["deployments", "list", "--name", hello.name], tempDir());
		expect(unseen.code).not.toBe(0);
		expect(unseen.stderr + unseen.stdout).toContain("[code: 10007]");
	});

	it("delete takes the script away; a second delete says it does not exist", async () => {
		expect(await ok(alice, ["delete"], hello.dir)).toContain(`Successfully deleted ${hello.name}`);
		expect((await visit(scriptUrl(hello.name))).status).toBe(404);
		const again = await wrangler(alice, ["delete"], hello.dir);
		expect(again.code).not.toBe(0);
		expect(again.stderr + again.stdout).toContain("[code: 10007]");
	});

	it("openapi/ts (chanfana on Hono): deploys and answers its API", async () => {
		const name = uniqueName("wr-openapi");
		const dir = fromTemplate("openapi/ts", name);
		await ok(alice, ["deploy"], dir);
		const response = await loopbackFetch(new URL("/api/tasks", scriptUrl(name)));
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({ success: true, tasks: expect.any(Array) });
		// The OpenAPI document chanfana serves from the same Worker.
		expect((await visit(new URL("/openapi.json", scriptUrl(name)).href)).text).toContain('"/api/tasks"');
	});
});

describe("wrangler secret", () => {
	it("put (from stdin), list, bulk and delete reach the script's env, each through Ferry's secrets", async () => {
		const name = uniqueName("wr-secret");
		await uploadDirect(alice.token, name, "", "export default { fetch: (request, env) => Response.json(env) };");
		const put = await wrangler(alice, ["secret", "put", "API_KEY", "--name", name], tempDir(), undefined, "from-wrangler\n");
		expect(put.code, put.stdout + put.stderr).toBe(0);
		expect(put.stdout).toContain("Success! Uploaded secret API_KEY");
		expect(JSON.parse((await visit(scriptUrl(name))).text)).toEqual({ API_KEY: "from-wrangler" });

		const listed = JSON.parse(await ok(alice, ["secret", "list", "--name", name], tempDir()));
		expect(listed).toEqual([{ name: "API_KEY", type: "secret_text" }]);

		const dir = tempDir();
		writeFileSync(path.join(dir, "secrets.json"), JSON.stringify({ DB_URL: "postgres://db", OTHER: "two" }));
		expect(await ok(alice, ["secret", "bulk", "secrets.json", "--name", name], dir)).toContain("2 secrets successfully created");
		expect(JSON.parse((await visit(scriptUrl(name))).text)).toEqual({ API_KEY: "from-wrangler", DB_URL: "postgres://db", OTHER: "two" });

		await ok(alice, ["secret", "delete", "API_KEY", "--name", name], tempDir());
		expect(JSON.parse((await visit(scriptUrl(name))).text)).toEqual({ DB_URL: "postgres://db", OTHER: "two" });
		// Ferry's own list agrees: one set of secrets, whichever client changed them.
		expect(
			(await new Cli({ FERRY_API_TOKEN: alice.token }).json(["secret", "list", "--name", name])).secrets.map(
				(s: { name: string }) => s.name,
			),
		).toEqual(["DB_URL", "OTHER"]);
	});

	it("refuses another tenant's script as a missing one, and a bad name with Ferry's reason", async () => {
		const name = uniqueName("wr-secret");
		await uploadDirect(alice.token, name, "", "export default { fetch: () => new Response('x') };");
		const foreign = await wrangler(bob, ["secret", "list", "--name", name], tempDir());
		expect(foreign.code).not.toBe(0);
		expect(foreign.stderr + foreign.stdout).toContain(`Worker "${name}" not found`);
		const bad = await wrangler(alice, ["secret", "put", "not-an-id", "--name", name], tempDir(), undefined, "x");
		expect(bad.code).not.toBe(0);
		expect(bad.stderr + bad.stdout).toContain("not an identifier");
	});
});

/** A `wrangler tail` left running, its output as it comes; `stop()` sends Ctrl-C and waits for it to end. */
function tailing(who: Tenant, args: string[]) {
	const child = spawn(process.execPath, [WRANGLER, "tail", ...args], {
		cwd: tempDir(),
		env: wranglerEnv(who),
		stdio: ["ignore", "pipe", "pipe"],
	});
	const output = { stdout: "", stderr: "" };
	child.stdout.on("data", (chunk: Buffer) => {
		output.stdout += chunk.toString();
	});
	child.stderr.on("data", (chunk: Buffer) => {
		output.stderr += chunk.toString();
	});
	const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
	const stop = async () => {
		child.kill("SIGINT");
		return exited;
	};
	return { output, exited, stop, all: () => `${output.stdout}${output.stderr}` };
}

const LOGGING = `export default {
	fetch(request) {
		const url = new URL(request.url);
		console.log("tailed", url.pathname);
		return new Response("ok");
	},
};`;

describe("wrangler tail", () => {
	it("--format json: a request's console line arrives as Cloudflare's trace message", async () => {
		const name = uniqueName("wr-tail");
		const deployment = await uploadDirect(alice.token, name, "", LOGGING);
		const tail = tailing(alice, [name, "--format", "json"]);
		try {
			// wrangler prints nothing when connected in JSON: requests until one is shown (the first may precede the socket).
			let n = 0;
			await expect
				.poll(
					async () => {
						await visit(new URL(`/p${n++}`, scriptUrl(name)).href);
						return tail.all();
					},
					{ timeout: 30_000, interval: 500 },
				)
				.toContain('"tailed /p');
			const first = tail.output.stdout.slice(tail.output.stdout.indexOf("{"));
			const message = JSON.parse(first.slice(0, first.indexOf("\n}") + 2));
			expect(message).toMatchObject({
				outcome: "ok",
				scriptName: name,
				scriptVersion: { id: versionIdOf(deployment) },
				logs: [{ level: "log", message: [expect.stringMatching(/^tailed \/p\d+$/)] }],
				event: { request: { method: "GET", url: expect.stringContaining(`${name}.localhost`) }, response: { status: 200 } },
			});
		} finally {
			expect(await tail.stop(), tail.all()).toBe(0);
		}
	});

	it("--format pretty: connects, then prints the request and its line, filtered by --method and --search", async () => {
		const name = uniqueName("wr-tail");
		await uploadDirect(alice.token, name, "", LOGGING);
		const tail = tailing(alice, [name, "--format", "pretty", "--method", "POST", "--search", "wanted"]);
		try {
			await expect.poll(() => tail.all(), { timeout: 30_000 }).toContain(`Connected to ${name}, waiting for logs...`);
			await loopbackFetch(new URL("/other", scriptUrl(name)), { method: "POST", body: "x" });
			await visit(new URL("/wanted-get", scriptUrl(name)).href);
			await loopbackFetch(new URL("/wanted", scriptUrl(name)), { method: "POST", body: "x" });
			await expect.poll(() => tail.output.stdout, { timeout: 30_000 }).toContain("(log) tailed /wanted");
			expect(tail.output.stdout).toMatch(new RegExp(`POST http://${name}\\.localhost:\\d+/wanted - Ok @`));
			expect(tail.output.stdout).not.toContain("/other");
			expect(tail.output.stdout).not.toContain("/wanted-get");
		} finally {
			expect(await tail.stop(), tail.all()).toBe(0);
		}
	});

	it("refuses a filter Ferry cannot apply by name, and another tenant's script as a missing one", async () => {
		const name = uniqueName("wr-tail");
		await uploadDirect(alice.token, name, "", LOGGING);
		const header = await wrangler(alice, ["tail", name, "--format", "json", "--header", "x-user"], tempDir());
		expect(header.code).not.toBe(0);
		expect(header.stdout + header.stderr).toContain("wrangler tail --header is not supported");
		expect(header.stdout + header.stderr).toContain("[code: 10026]");
		const foreign = await wrangler(bob, ["tail", name, "--format", "json"], tempDir());
		expect(foreign.code).not.toBe(0);
		expect(foreign.stdout + foreign.stderr).toContain("[code: 10007]");
	});
});

describe("wrangler deploy with a service binding", () => {
	it("[[services]] with an entrypoint: the caller's env.CALC.add(2, 3) runs the bound script's WorkerEntrypoint method", async () => {
		const calc = uniqueName("wr-calc");
		const front = uniqueName("wr-front");
		const config = (name: string, extra = "") => `name = "${name}"\nmain = "src/index.js"\ncompatibility_date = "2026-11-01"\n${extra}`;
		await ok(
			alice,
			["deploy"],
			project({
				"wrangler.toml": config(calc),
				"src/index.js": `import { WorkerEntrypoint } from "cloudflare:workers";
export class Calc extends WorkerEntrypoint {
	add(a, b) { return a + b; }
}
export default { fetch: () => new Response("calc") };
`,
			}),
		);
		await ok(
			alice,
			["deploy"],
			project({
				"wrangler.toml": config(front, `[[services]]\nbinding = "CALC"\nservice = "${calc}"\nentrypoint = "Calc"\n`),
				"src/index.js": "export default { fetch: async (request, env) => Response.json({ sum: await env.CALC.add(2, 3) }) };\n",
			}),
		);
		expect(await visit(scriptUrl(front))).toEqual({ status: 200, text: '{"sum":5}' });
	});
});

describe("wrangler deploy with resources", () => {
	/** KV without an id, D1 by database_name only, R2, a Durable Object class and a service: what wrangler provisions and binds. */
	const resourcesProject = (name: string, calc: string, text: string) =>
		project({
			"wrangler.toml": `name = "${name}"
main = "src/index.js"
compatibility_date = "2026-11-01"

[[kv_namespaces]]
binding = "CACHE"

[[d1_databases]]
binding = "DB"
database_name = "app"

[[r2_buckets]]
binding = "FILES"
bucket_name = "files"

[[durable_objects.bindings]]
name = "COUNTER"
class_name = "Counter"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["Counter"]

[[services]]
binding = "CALC"
service = "${calc}"
`,
			"src/index.js": `import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
	increment() {
		const n = (this.ctx.storage.kv.get("n") ?? 0) + 1;
		this.ctx.storage.kv.put("n", n);
		return n;
	}
}
export default {
	async fetch(request, env) {
		if (new URL(request.url).pathname === "/write") {
			await env.CACHE.put("greeting", "hello");
			await env.DB.exec("CREATE TABLE IF NOT EXISTS notes (body TEXT)");
			await env.DB.prepare("INSERT INTO notes VALUES (?)").bind("first").run();
			await env.FILES.put("a.txt", "file body");
			return new Response("written");
		}
		const notes = await env.DB.prepare("SELECT body FROM notes").all().then((r) => r.results.map((row) => row.body), () => null);
		return Response.json({
			text: ${JSON.stringify(text)},
			cache: await env.CACHE.get("greeting"),
			notes,
			file: (await (await env.FILES.get("a.txt"))?.text()) ?? null,
			count: await env.COUNTER.getByName("visits").increment(),
			calc: await (await env.CALC.fetch("http://calc/")).text(),
		});
	},
};
`,
		});

	it("KV, D1, R2, a Durable Object and a service deploy unchanged; the data stays across a redeploy and is the tenant's own", async () => {
		const deployCalc = async (who: Tenant) => {
			const calc = uniqueName("wr-calc");
			await ok(who, ["deploy"], helloProject(calc, "calc answers"));
			return calc;
		};
		const name = uniqueName("wr-res");
		const calc = await deployCalc(alice);
		const first = await ok(alice, ["deploy"], resourcesProject(name, calc, "v1"));
		// wrangler provisioned what the config does not identify, through /client/v4, in alice's space.
		expect(first).toContain(`Creating new KV Namespace "${name}-cache"`);
		expect(first).toContain('Creating new D1 Database "app"');
		expect(await visit(`${scriptUrl(name)}write`)).toEqual({ status: 200, text: "written" });
		const read = async (script: string) => JSON.parse((await visit(scriptUrl(script))).text) as Record<string, unknown>;
		expect(await read(name)).toEqual({ text: "v1", cache: "hello", notes: ["first"], file: "file body", count: 1, calc: "calc answers" });

		// The second deploy keeps what the first provisioned (wrangler inherits the KV namespace and the database).
		const second = await ok(alice, ["deploy"], resourcesProject(name, calc, "v2"));
		expect(second).not.toContain("Creating new");
		expect(second).toContain("env.CACHE (inherited)");
		expect(await read(name)).toEqual({ text: "v2", cache: "hello", notes: ["first"], file: "file body", count: 2, calc: "calc answers" });

		// wrangler d1 execute --remote runs SQL on the database the deploy bound, one result per statement.
		const dir = resourcesProject(name, calc, "v2");
		const executed = await json<{ results: unknown[] }[]>(
			alice,
			["d1", "execute", "DB", "--remote", "--command", "SELECT body FROM notes; SELECT count(*) AS n FROM notes"],
			dir,
		);
		expect(executed.map((r) => r.results)).toEqual([[{ body: "first" }], [{ n: 1 }]]);
		const bad = await wrangler(alice, ["d1", "execute", "DB", "--remote", "--command", "SELECT * FROM nowhere"], dir);
		expect(bad.code).not.toBe(0);
		expect(bad.stdout + bad.stderr).toContain("D1_ERROR: no such table: nowhere: SQLITE_ERROR [code: 7500]");

		// The same project deployed by another tenant provisions its own: none of alice's data.
		const other = uniqueName("wr-res");
		await ok(bob, ["deploy"], resourcesProject(other, await deployCalc(bob), "bob"));
		expect(await read(other)).toEqual({ text: "bob", cache: null, notes: null, file: null, count: 1, calc: "calc answers" });
	});
});

describe("wrangler deploy with static assets", () => {
	it("hello-world-with-assets/ts: the files upload once, the assets and the Worker answer, a redeploy uploads only what changed", async () => {
		const name = uniqueName("wr-assets");
		const dir = fromTemplate("hello-world-with-assets/ts", name);
		const first = await ok(alice, ["deploy"], dir);
		expect(first).toContain("Found 1 new or modified static asset to upload");
		const page = await visit(scriptUrl(name));
		expect(page.status).toBe(200);
		expect(page.text).toContain("This page comes from a static asset");
		expect(await visit(new URL("/message", scriptUrl(name)).href)).toEqual({ status: 200, text: "Hello, World!" });

		// Nothing changed: nothing is sent again. One new file: only it is.
		expect(await ok(alice, ["deploy"], dir)).toContain("No updated asset files to upload");
		writeFileSync(path.join(dir, "public", "about.txt"), "about this site\n");
		expect(await ok(alice, ["deploy"], dir)).toContain("Found 1 new or modified static asset to upload");
		expect(await visit(new URL("/about.txt", scriptUrl(name)).href)).toEqual({ status: 200, text: "about this site\n" });
	});

	it("a bucket upload takes the session's token only, for its own account", async () => {
		const session = await loopbackFetch(`${baseUrl()}/accounts/${alice.id}/workers/scripts/${uniqueName("wr-up")}/assets-upload-session`, {
			method: "POST",
			headers: { authorization: `Bearer ${alice.token}`, "content-type": "application/json" },
			body: JSON.stringify({ manifest: { "/a.txt": { hash: "0123456789abcdef0123456789abcdef", size: 1 } } }),
		});
		expect(session.status).toBe(200);
		const { result } = (await session.json()) as { result: { jwt: string; buckets: string[][] } };
		expect(result.buckets).toEqual([["0123456789abcdef0123456789abcdef"]]);
		const upload = (token: string, account: string) =>
			loopbackFetch(`${baseUrl()}/accounts/${account}/workers/assets/upload?base64=true`, {
				method: "POST",
				headers: { authorization: `Bearer ${token}` },
				body: new FormData(),
			}).then(async (r) => ({ status: r.status, body: (await r.json()) as { success: boolean; errors: { code: number }[] } }));
		// The tenant's own API token is not an upload credential; the session's token does not reach another account.
		expect(await upload(alice.token, alice.id)).toMatchObject({ status: 401, body: { success: false, errors: [{ code: 10000 }] } });
		expect(await upload(result.jwt, bob.id)).toMatchObject({ status: 403, body: { success: false, errors: [{ code: 10000 }] } });
	});
});

describe("the cloudflare SDK against /client/v4", () => {
	const client = (who: Tenant) => new Cloudflare({ apiToken: who.token, baseURL: baseUrl(), maxRetries: 0 });

	it("workers.scripts.update, list and delete", async () => {
		const name = uniqueName("sdk");
		const cf = client(alice);
		const script = await cf.workers.scripts.update(name, {
			account_id: alice.id,
			metadata: { main_module: "index.js", compatibility_date: "2026-11-01" },
			files: [
				new File(['export default { fetch: () => new Response("from the SDK") }'], "index.js", { type: "application/javascript+module" }),
			],
		});
		expect(script).toMatchObject({ id: name, has_modules: true });
		expect(await visit(scriptUrl(name))).toEqual({ status: 200, text: "from the SDK" });

		const listed: string[] = [];
		for await (const s of cf.workers.scripts.list({ account_id: alice.id })) listed.push(s.id ?? "");
		expect(listed).toContain(name);
		const bobs: string[] = [];
		for await (const s of client(bob).workers.scripts.list({ account_id: bob.id })) bobs.push(s.id ?? "");
		expect(bobs).not.toContain(name);

		await cf.workers.scripts.delete(name, { account_id: alice.id });
		expect((await visit(scriptUrl(name))).status).toBe(404);
		await expect(cf.workers.scripts.delete(name, { account_id: alice.id })).rejects.toMatchObject({
			status: 404,
			errors: [{ code: 10007, message: `script '${name}' not found` }],
		});
	});
});

describe("bad input, in Cloudflare's envelope", () => {
	const call = (who: Tenant | undefined, urlPath: string, init: RequestInit = {}) =>
		loopbackFetch(`${baseUrl()}${urlPath}`, {
			...init,
			headers: { ...(who ? { authorization: `Bearer ${who.token}` } : {}), ...init.headers },
		}).then(async (r) => ({ status: r.status, body: (await r.json()) as { errors: { code: number; message: string }[] } }));

	it("no token, a wrong token, another tenant's account, a path Ferry does not speak", async () => {
		expect(await call(undefined, "/user/tokens/verify")).toMatchObject({ status: 400, body: { success: false, errors: [{ code: 9106 }] } });
		expect(await call({ ...alice, token: "ferry_nope" }, "/accounts")).toMatchObject({
			status: 401,
			body: { success: false, errors: [{ code: 10000 }] },
		});
		const foreign = await call(alice, `/accounts/${bob.id}/workers/scripts`);
		const missing = await call(alice, "/accounts/no-such-account/workers/scripts");
		expect(foreign).toEqual(missing);
		expect(foreign).toMatchObject({ status: 403, body: { errors: [{ code: 10000 }] } });
		const unknown = await call(alice, `/accounts/${alice.id}/workers/dispatch/namespaces`);
		expect(unknown.status).toBe(404);
		expect(unknown.body).toMatchObject({ success: false, result: null, errors: [{ code: 7000 }] });
		expect(unknown.body.errors[0]?.message).toContain("Ferry does not implement GET /client/v4/accounts/");
	});

	it("resources: another tenant's database, bucket or namespace is a missing one; a name taken, a bad name, an inherit of nothing", async () => {
		const post = (who: Tenant, urlPath: string, body: unknown) =>
			call(who, `/accounts/${who.id}${urlPath}`, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify(body),
			});
		expect(await post(bob, "/d1/database", { name: "bobs-db" })).toMatchObject({ status: 200, body: { result: { uuid: "bobs-db" } } });
		expect(await post(bob, "/r2/buckets", { name: "bobs-bucket" })).toMatchObject({ status: 200 });
		expect(await post(bob, "/storage/kv/namespaces", { title: "bobs-ns" })).toMatchObject({
			status: 200,
			body: { result: { id: "bobs-ns" } },
		});
		expect(await call(alice, `/accounts/${alice.id}/d1/database/bobs-db`)).toMatchObject({
			status: 404,
			body: { errors: [{ code: 7404 }] },
		});
		expect(await call(alice, `/accounts/${alice.id}/r2/buckets/bobs-bucket`)).toMatchObject({
			status: 404,
			body: { errors: [{ code: 10006 }] },
		});
		const listed = (await call(alice, `/accounts/${alice.id}/storage/kv/namespaces`)).body as unknown as { result: { id: string }[] };
		expect(listed.result.map((ns) => ns.id)).not.toContain("bobs-ns");
		expect(await post(bob, "/d1/database", { name: "bobs-db" })).toMatchObject({ status: 400, body: { errors: [{ code: 7502 }] } });
		expect(await post(bob, "/storage/kv/namespaces", { title: "bobs-ns" })).toMatchObject({
			status: 400,
			body: { errors: [{ code: 10014 }] },
		});
		const spaced = await post(alice, "/storage/kv/namespaces", { title: "my namespace" });
		expect(spaced).toMatchObject({ status: 400, body: { errors: [{ code: 10026 }] } });
		expect(spaced.body.errors[0]?.message).toContain("1-64 letters, digits, '_' or '-'");

		const name = uniqueName("inherit");
		await uploadDirect(alice.token, name, "one");
		const form = new FormData();
		form.set("metadata", JSON.stringify({ main_module: "index.js", bindings: [{ type: "inherit", name: "CACHE" }] }));
		form.set("index.js", new File(["export default {}"], "index.js", { type: "application/javascript+module" }));
		const inherited = await call(alice, `/accounts/${alice.id}/workers/scripts/${name}`, { method: "PUT", body: form });
		expect(inherited).toMatchObject({ status: 400, body: { errors: [{ code: 10026 }] } });
		expect(inherited.body.errors[0]?.message).toContain(
			`the live deployment of '${name}' binds no KV namespace, D1 database or R2 bucket as 'CACHE'`,
		);
	});

	it("malformed metadata and unsupported settings are refused with their reason", async () => {
		const form = new FormData();
		form.set("metadata", "{not json");
		form.set("index.js", new File(["export default {}"], "index.js", { type: "application/javascript+module" }));
		const name = uniqueName("bad");
		const bad = await call(alice, `/accounts/${alice.id}/workers/scripts/${name}`, { method: "PUT", body: form });
		expect(bad).toMatchObject({
			status: 400,
			body: { success: false, errors: [{ code: 10026, message: "the metadata part is not valid JSON" }] },
		});
		// One version at 100% is all Ferry serves: a split is refused by name.
		await uploadDirect(alice.token, name, "one");
		const split = await call(alice, `/accounts/${alice.id}/workers/scripts/${name}/deployments`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ strategy: "percentage", versions: [{ version_id: "00000000-0000-0000-0000-000000000000", percentage: 50 }] }),
		});
		expect(split.status).toBe(400);
		expect(split.body.errors[0]?.message).toContain("gradual deployments are not supported");
		const nowhere = await call(alice, `/accounts/${alice.id}/workers/scripts/${name}/deployments`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ versions: [{ version_id: "00000000-0000-0000-0000-000000000000", percentage: 100 }] }),
		});
		expect(nowhere).toMatchObject({ status: 404, body: { errors: [{ code: 10237 }] } });
	});
});
