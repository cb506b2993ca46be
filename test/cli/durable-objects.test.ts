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

	it("gives the object the caller's id as ctx.id: the same hex and equals, the name of idFromName and getByName, none for newUniqueId", async () => {
		const name = uniqueName("ctx-id");
		const source = `import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
	who(hex) {
		const id = this.ctx.id;
		return { hex: id.toString(), name: id.name ?? null, equals: id.equals(this.env.COUNTER.idFromString(hex)), alarmName: this.ctx.storage.kv.get("alarmName") ?? null };
	}
	async later() { await this.ctx.storage.setAlarm(Date.now()); }
	alarm() { this.ctx.storage.kv.put("alarmName", this.ctx.id.name ?? "none"); }
}
export default {
	async fetch(request, env) {
		const url = new URL(request.url);
		const x = url.searchParams.get("name");
		if (url.pathname === "/unique") {
			const id = env.COUNTER.newUniqueId();
			return Response.json({ caller: id.toString(), object: await env.COUNTER.get(id).who(id.toString()) });
		}
		const id = env.COUNTER.idFromName(x);
		const stub = url.pathname === "/by-name" ? env.COUNTER.getByName(x) : env.COUNTER.get(id);
		if (url.pathname === "/later") await stub.later();
		return Response.json({ caller: id.toString(), object: await stub.who(id.toString()) });
	},
};
`;
		await a.ok(["deploy"], { cwd: counterProject(name, source) });
		type Who = { caller: string; object: { hex: string; name: string | null; equals: boolean; alarmName: string | null } };
		const who = async (path: string) => JSON.parse((await visit(at(name, path))).text) as Who;
		for (const path of ["/?name=foo", "/by-name?name=foo", "/by-name?name=bar"]) {
			const { caller, object } = await who(path);
			expect(caller).toMatch(/^[0-9a-f]{64}$/);
			expect(object).toMatchObject({ hex: caller, name: new URL(path, "http://x").searchParams.get("name"), equals: true });
		}
		const unique = await who("/unique");
		expect(unique.object).toMatchObject({ hex: unique.caller, name: null, equals: true });
		// alarm() runs with no caller: the object still has its name.
		await who("/later?name=waker");
		await expect.poll(async () => (await who("/?name=waker")).object.alarmName, { timeout: 15_000 }).toBe("waker");
	});

	it("lists the script's classes with their bindings in ferry resources list (and GET /v1/resources), for its tenant only", async () => {
		const name = uniqueName("listed");
		await a.ok(["deploy"], { cwd: counterProject(name) });
		const listed = JSON.parse(await a.ok(["resources", "list", "--json"])) as {
			durable_objects: { script: string; class_name: string; bindings: string[]; sqlite: boolean; objects: number | null }[];
		};
		expect(listed.durable_objects.filter((c) => c.script === name)).toEqual([
			{ script: name, class_name: "Counter", bindings: ["COUNTER"], sqlite: true, objects: null },
		]);
		const table = await a.ok(["resources", "list"]);
		expect(table).toMatch(/SCRIPT\s+DURABLE OBJECT CLASS\s+BINDINGS\s+STORAGE/);
		expect(table).toMatch(new RegExp(`${name}\\s+Counter\\s+COUNTER\\s+sqlite`));
		const theirs = JSON.parse(await b.ok(["resources", "list", "--json"])) as { durable_objects: { script: string }[] };
		expect(theirs.durable_objects.map((c) => c.script)).not.toContain(name);
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

/**
 * An object that records each run of its alarm() in its own SQL storage (with the alarmInfo it got),
 * and fails as many runs as it is told to first.
 */
const ALARMS = `import { DurableObject } from "cloudflare:workers";
export class Clock extends DurableObject {
	constructor(ctx, env) {
		super(ctx, env);
		ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS runs (retryCount INTEGER, isRetry INTEGER, at INTEGER, alarmDuring)");
	}
	async alarm(alarmInfo) {
		const failures = this.ctx.storage.kv.get("failures") ?? 0;
		const alarmDuring = await this.ctx.storage.getAlarm();
		this.ctx.storage.sql.exec("INSERT INTO runs VALUES (?, ?, ?, ?)", alarmInfo.retryCount, alarmInfo.isRetry ? 1 : 0, Date.now(), alarmDuring);
		if (failures > 0) {
			this.ctx.storage.kv.put("failures", failures - 1);
			throw new Error("not yet");
		}
		const again = this.ctx.storage.kv.get("again");
		if (again) {
			this.ctx.storage.kv.delete("again");
			this.ctx.storage.setAlarm(Date.now() + again);
		}
	}
	async set(at, failures, again) {
		this.ctx.storage.kv.put("failures", failures);
		if (again) this.ctx.storage.kv.put("again", again);
		await this.ctx.storage.setAlarm(at);
		return this.ctx.storage.getAlarm();
	}
	async cancel() {
		await this.ctx.storage.deleteAlarm();
		return this.ctx.storage.getAlarm();
	}
	async state() {
		return { alarm: await this.ctx.storage.getAlarm(), runs: this.ctx.storage.sql.exec("SELECT * FROM runs").toArray() };
	}
}
export class Plain extends DurableObject {
	async set() {
		try { await this.ctx.storage.setAlarm(Date.now()); return "set"; } catch (error) { return error.message; }
	}
}
export default {
	async fetch(request, env) {
		const url = new URL(request.url);
		const q = (key, fallback) => Number(url.searchParams.get(key) ?? fallback);
		const clock = env.CLOCK.getByName(url.searchParams.get("name") ?? "main");
		if (url.pathname === "/set") return Response.json(await clock.set(q("at", Date.now() + q("in", 0)), q("failures", 0), q("again", 0)));
		if (url.pathname === "/date") return Response.json(await clock.set(new Date(q("at", 0)), 0, 0));
		if (url.pathname === "/cancel") return Response.json(await clock.cancel());
		if (url.pathname === "/plain") return new Response(await env.PLAIN.getByName("p").set());
		return Response.json(await clock.state());
	}
};
`;

const alarmProject = (name: string) =>
	project({
		"wrangler.jsonc": JSON.stringify({
			name,
			main: "src/index.js",
			compatibility_date: "2026-11-01",
			durable_objects: {
				bindings: [
					{ name: "CLOCK", class_name: "Clock" },
					{ name: "PLAIN", class_name: "Plain" },
				],
			},
			migrations: [{ tag: "v1", new_sqlite_classes: ["Clock", "Plain"] }],
		}),
		"src/index.js": ALARMS,
	});

interface AlarmState {
	alarm: number | null;
	runs: { retryCount: number; isRetry: number; at: number; alarmDuring: number | null }[];
}

const json = async <T>(url: string): Promise<T> => {
	const { status, text } = await visit(url);
	expect(status, text).toBe(200);
	return JSON.parse(text) as T;
};

describe("Durable Object alarms", () => {
	it("fires an object's alarm with no request, once, then getAlarm is null; setAlarm replaces, deleteAlarm cancels", async () => {
		const name = uniqueName("alarms");
		await a.ok(["deploy"], { cwd: alarmProject(name) });
		const state = (object: string) => json<AlarmState>(at(name, `/?name=${object}`));
		expect(await state("main")).toEqual({ alarm: null, runs: [] });

		// Replaced: the first time never fires, the second does; a Date is taken as workerd takes it.
		const first = Date.now() + 60_000;
		expect(await json(at(name, `/set?name=main&at=${first}`))).toBe(first);
		const second = Date.now() + 500;
		expect(await json(at(name, `/date?name=main&at=${second}`))).toBe(second);
		await expect.poll(async () => (await state("main")).runs.length, { timeout: 15_000 }).toBe(1);
		const fired = await state("main");
		expect(fired.alarm).toBeNull();
		expect(fired.runs[0]).toMatchObject({ retryCount: 0, isRetry: 0, alarmDuring: null });
		expect(fired.runs[0]!.at).toBeGreaterThanOrEqual(second);

		// Deleted before it is due: getAlarm is null at once; a later alarm of another object shows time passed.
		expect(await json(at(name, `/set?name=deleted&in=1500`))).toBeGreaterThan(Date.now());
		expect(await json(at(name, "/cancel?name=deleted"))).toBeNull();
		await json(at(name, "/set?name=later&in=2000"));
		await expect.poll(async () => (await state("later")).runs.length, { timeout: 15_000 }).toBe(1);
		expect(await state("deleted")).toEqual({ alarm: null, runs: [] });
		expect((await state("main")).runs).toHaveLength(1);
	});

	it("fires an alarm set in the past at once, and one that alarm() sets again", async () => {
		const name = uniqueName("alarms-past");
		await a.ok(["deploy"], { cwd: alarmProject(name) });
		const before = Date.now();
		const set = await json<number>(at(name, `/set?name=past&at=${before - 3_600_000}&again=300`));
		expect(set).toBeGreaterThanOrEqual(before);
		const state = () => json<AlarmState>(at(name, "/?name=past"));
		await expect.poll(async () => (await state()).runs.length, { timeout: 15_000 }).toBe(2);
		const { runs, alarm } = await state();
		expect(alarm).toBeNull();
		expect(runs.map((r) => r.retryCount)).toEqual([0, 0]);
	});

	it("retries a throwing alarm() with backoff, telling it retryCount and isRetry", async () => {
		const name = uniqueName("alarms-retry");
		await a.ok(["deploy"], { cwd: alarmProject(name) });
		await json(at(name, "/set?name=flaky&in=0&failures=2"));
		const state = () => json<AlarmState>(at(name, "/?name=flaky"));
		await expect.poll(async () => (await state()).runs.length, { timeout: 30_000, interval: 500 }).toBe(3);
		const { runs, alarm } = await state();
		expect(runs.map((r) => [r.retryCount, r.isRetry])).toEqual([
			[0, 0],
			[1, 1],
			[2, 1],
		]);
		// 2 s after the first failure, then 4 s after the second (Cloudflare's backoff).
		expect(runs[1]!.at - runs[0]!.at).toBeGreaterThanOrEqual(2_000);
		expect(runs[2]!.at - runs[1]!.at).toBeGreaterThanOrEqual(4_000);
		expect(alarm).toBeNull();
	});

	it("refuses setAlarm in a class without alarm(), with workerd's words", async () => {
		const name = uniqueName("alarms-plain");
		await a.ok(["deploy"], { cwd: alarmProject(name) });
		expect(await visit(at(name, "/plain"))).toMatchObject({
			status: 200,
			text: "Your Durable Object class must have an alarm() handler in order to call setAlarm()",
		});
	});

	it("runs a tenant's alarm on that tenant's object only: another tenant's same project and names see none of it", async () => {
		const mine = uniqueName("alarms-a");
		const theirs = uniqueName("alarms-b");
		await a.ok(["deploy"], { cwd: alarmProject(mine) });
		await b.ok(["deploy"], { cwd: alarmProject(theirs) });
		await json(at(mine, "/set?name=shared&in=0"));
		await json(at(theirs, "/set?name=shared&in=1000"));
		await expect.poll(async () => (await json<AlarmState>(at(theirs, "/?name=shared"))).runs.length, { timeout: 15_000 }).toBe(1);
		expect((await json<AlarmState>(at(mine, "/?name=shared"))).runs).toHaveLength(1);
		expect((await json<AlarmState>(at(theirs, "/?name=shared"))).runs).toHaveLength(1);
	});
});
