/**
 * Durable Objects from wrangler config (docs/bindings.md): `durable_objects` and `migrations` travel
 * with `ferry deploy`; the class runs locally as a facet of the platform's Durable Object, with its own
 * SQLite storage, so a count survives requests and redeploys; another tenant's same project and a
 * leaked id reach none of it. Ids are made in the tenant's isolate, synchronously, as workerd's own. create-cloudflare's hello-world-durable-object deploys unchanged.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loopbackFetch } from "../../loopback/index.ts";
import { type Cli, newTenant, platform, project, scriptUrl, uniqueName, visit } from "./support.ts";
import { fromTemplate } from "./templates.ts";

let a: Cli;
let b: Cli;
let tokenA: string;
beforeAll(async () => {
	const [first, second] = await Promise.all([newTenant("do-a"), newTenant("do-b")]);
	({ cli: a, token: tokenA } = first);
	({ cli: b } = second);
});

/** A counter per name, in SQL; the constructor prepares the table under blockConcurrencyWhile. */
const counter = (greeting: string) => `import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
	constructor(ctx, env) {
		super(ctx, env);
		ctx.blockConcurrencyWhile(async () => {
			ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS counts (n INTEGER NOT NULL)");
		});
	}
	increment() {
		const [{ n }] = this.ctx.storage.sql.exec("SELECT count(*) AS n FROM counts").toArray();
		this.ctx.storage.sql.exec("INSERT INTO counts VALUES (?)", n + 1);
		return n + 1;
	}
	async fetch(request) {
		return new Response(${JSON.stringify(greeting)} + " " + this.increment());
	}
	async alarm() {}
	async setAlarmSoon() {
		await this.ctx.storage.setAlarm(Date.now() + 1000);
	}
}
export default {
	async fetch(request, env) {
		const url = new URL(request.url);
		const name = url.searchParams.get("name") ?? "main";
		if (url.pathname === "/id") {
			const id = env.COUNTER.idFromName(name);
			const same = id.equals(env.COUNTER.idFromString(id.toString())) && id.name === name;
			return new Response(same ? id.toString() : "ids differ");
		}
		if (url.pathname === "/by-id") {
			const stub = env.COUNTER.get(env.COUNTER.idFromString(url.searchParams.get("id")));
			return new Response(String(await stub.increment()));
		}
		if (url.pathname === "/unique") {
			const stub = env.COUNTER.get(env.COUNTER.newUniqueId());
			return new Response((await stub.increment()) + " " + (await stub.increment()));
		}
		if (url.pathname === "/alarm") {
			try { await env.COUNTER.getByName(name).setAlarmSoon(); return new Response("set"); }
			catch (error) { return new Response(String(error.message), { status: 500 }); }
		}
		if (url.pathname === "/missing") {
			try { await env.COUNTER.getByName(name).noSuchMethod(); return new Response("called"); }
			catch (error) { return new Response(String(error.message), { status: 500 }); }
		}
		if (url.pathname === "/fetch") return env.COUNTER.get(env.COUNTER.idFromName(name)).fetch(request);
		return new Response(String(await env.COUNTER.getByName(name).increment()));
	},
};
`;

const counterProject = (name: string, source = counter("count"), config: Record<string, unknown> = {}) =>
	project({
		"wrangler.jsonc": JSON.stringify({
			name,
			main: "src/index.js",
			compatibility_date: "2026-11-01",
			durable_objects: { bindings: [{ name: "COUNTER", class_name: "Counter" }] },
			migrations: [{ tag: "v1", new_sqlite_classes: ["Counter"] }],
			...config,
		}),
		"src/index.js": source,
	});

/** An upload straight to the API (no bundling, so no wrangler check before it). */
function upload(name: string, source: string, metadata: Record<string, unknown>): Promise<Response> {
	const form = new FormData();
	form.set("metadata", JSON.stringify({ main_module: "index.js", compatibility_date: "2026-11-01", ...metadata }));
	form.set("index.js", new File([source], "index.js", { type: "application/javascript+module" }));
	return loopbackFetch(`${platform().apiUrl}/v1/scripts/${name}`, {
		method: "PUT",
		headers: { authorization: `Bearer ${tokenA}` },
		body: form,
	});
}

const at = (name: string, path: string) => new URL(path, scriptUrl(name)).href;

describe("Durable Objects with ferry deploy", () => {
	it("hello-world-durable-object/ts deploys unchanged and greets through its object, before and after a redeploy", async () => {
		const name = uniqueName("hello-do");
		const dir = fromTemplate("hello-world-durable-object/ts", name);
		await a.ok(["deploy"], { cwd: dir });
		expect(await visit(scriptUrl(name))).toMatchObject({ status: 200, text: "Hello, world!" });
		expect(await visit(scriptUrl(name))).toMatchObject({ status: 200, text: "Hello, world!" });
		await a.ok(["deploy"], { cwd: dir });
		expect(await visit(scriptUrl(name))).toMatchObject({ status: 200, text: "Hello, world!" });
	});

	it("counts in the object's SQLite storage across requests and redeploys; fetch and RPC reach the same object", async () => {
		const name = uniqueName("count");
		await a.ok(["deploy"], { cwd: counterProject(name) });
		expect((await visit(scriptUrl(name))).text).toBe("1");
		expect((await visit(scriptUrl(name))).text).toBe("2");
		expect((await visit(at(name, "/fetch"))).text).toBe("count 3");
		expect((await visit(`${scriptUrl(name)}?name=other`)).text).toBe("1");

		// New code for the class: the object's data stays, the new code runs it.
		await a.ok(["deploy"], { cwd: counterProject(name, counter("again")) });
		expect((await visit(at(name, "/fetch"))).text).toBe("again 4");
		expect((await visit(scriptUrl(name))).text).toBe("5");
	});

	it("keeps tenants apart: the same project of another tenant counts from nothing, and a leaked id reaches nothing of the first", async () => {
		const mine = uniqueName("iso-a");
		const theirs = uniqueName("iso-b");
		await a.ok(["deploy"], { cwd: counterProject(mine) });
		await b.ok(["deploy"], { cwd: counterProject(theirs) });
		expect((await visit(scriptUrl(mine))).text).toBe("1");
		expect((await visit(scriptUrl(mine))).text).toBe("2");
		expect((await visit(scriptUrl(theirs))).text).toBe("1");

		const idOfMine = (await visit(at(mine, "/id?name=secret"))).text;
		expect(idOfMine).toMatch(/^[0-9a-f]{64}$/);
		// An id is a hash of the name, the same in every tenant's code; the platform keys it by tenant, script and class.
		expect((await visit(at(theirs, "/id?name=secret"))).text).toBe(idOfMine);
		expect((await visit(at(mine, `/by-id?id=${idOfMine}`))).text).toBe("1");
		expect((await visit(at(mine, `/by-id?id=${idOfMine}`))).text).toBe("2");
		// The same id in another tenant's code is an object of theirs: it counts from nothing, and mine is untouched.
		expect(await visit(at(theirs, `/by-id?id=${idOfMine}`))).toMatchObject({ status: 200, text: "1" });
		expect((await visit(at(mine, `/by-id?id=${idOfMine}`))).text).toBe("3");
		expect((await visit(scriptUrl(mine))).text).toBe("3");
		expect((await visit(`${scriptUrl(mine)}?name=secret`)).text).toBe("4");
	});

	it("gives ids synchronously, as workerd's binding does: newUniqueId is a fresh object, a method the class lacks is workerd's error", async () => {
		const name = uniqueName("ids");
		await a.ok(["deploy"], { cwd: counterProject(name) });
		expect((await visit(at(name, "/unique"))).text).toBe("1 2");
		expect((await visit(at(name, "/unique"))).text).toBe("1 2");
		const missing = await visit(at(name, "/missing"));
		expect(missing.status).toBe(500);
		expect(missing.text).toContain("noSuchMethod");
	});

	it("says that facets cannot set alarms, in the tenant's own code", async () => {
		const name = uniqueName("alarm");
		await a.ok(["deploy"], { cwd: counterProject(name) });
		expect(await visit(at(name, "/alarm"))).toMatchObject({ status: 500, text: "Facets currently cannot set alarms." });
	});

	it("fails the deploy of a class the code does not export: wrangler's check before bundling, the API's at the load stage", async () => {
		const source = "export default { fetch: () => new Response('no class') };\n";
		const bundled = await a.run(["deploy"], { cwd: counterProject(uniqueName("noexport"), source) });
		expect(bundled.code).toBe(1);
		expect(bundled.stderr).toContain("which are not exported in your entrypoint file: Counter");

		const res = await upload(uniqueName("noexport"), source, {
			bindings: [{ type: "durable_object_namespace", name: "COUNTER", class_name: "Counter" }],
			migrations: { new_tag: "v1", steps: [{ new_sqlite_classes: ["Counter"] }] },
		});
		expect(res.status).toBe(422);
		const body = (await res.json()) as { error: { code: string; message: string } };
		expect(body.error.message).toContain(
			"failed at the load stage: Durable Object class 'Counter' is not exported by main module 'index.js'",
		);
	});

	it("refuses a binding to a class without a migration with a 400 like Cloudflare's", async () => {
		const res = await upload(uniqueName("nomig"), counter("x"), {
			bindings: [{ type: "durable_object_namespace", name: "COUNTER", class_name: "Counter" }],
		});
		expect(res.status).toBe(400);
		const body = (await res.json()) as { error: { code: string; message: string } };
		expect(body.error.code).toBe("invalid_metadata");
		expect(body.error.message).toContain(
			"Cannot create binding for class 'Counter' because it is not currently configured to implement Durable Objects",
		);
	});

	it("refuses a class deletion and a binding to another script's class by name, before bundling", async () => {
		const deleted = await a.run(["deploy"], {
			cwd: counterProject(uniqueName("del"), counter("x"), {
				migrations: [
					{ tag: "v1", new_sqlite_classes: ["Counter"] },
					{ tag: "v2", deleted_classes: ["Counter"] },
				],
			}),
		});
		expect(deleted.code).toBe(1);
		expect(deleted.stderr).toContain("'migrations'");
		const other = await a.run(["deploy"], {
			cwd: counterProject(uniqueName("other"), counter("x"), {
				durable_objects: { bindings: [{ name: "COUNTER", class_name: "Counter", script_name: "elsewhere" }] },
			}),
		});
		expect(other.code).toBe(1);
		expect(other.stderr).toContain("'durable_objects'");
	});
});
