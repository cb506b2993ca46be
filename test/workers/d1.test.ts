/**
 * D1 databases declared by a tenant's upload (docs/bindings.md): provisioned per tenant on first
 * deploy, bound in `env` through the dispatcher's FerryD1, the data in the resources Worker's
 * per-database SQLite Durable Object; the D1 client API with D1's result shapes and messages (as
 * workerd's binding over Miniflare's D1 answers them); a batch is one transaction; data kept across
 * redeploys, rollbacks and previews; another tenant's equal name is another database.
 */
import { describe, expect, it } from "vitest";
import { api, deploy, json, newTenant, uniqueName, visit } from "./platform";

/** A Worker that runs one D1 call per path (SQL and values from the query or the body) and answers with its result. */
const D1_WORKER = `export default {
	async fetch(request, env) {
		const url = new URL(request.url);
		const q = (name) => url.searchParams.get(name);
		const db = env.DB;
		const stmt = () => db.prepare(q("sql")).bind(...JSON.parse(q("params") ?? "[]"));
		try {
			switch (url.pathname) {
				case "/exec":
					return Response.json(await db.exec(await request.text()));
				case "/all":
					return Response.json(await stmt().all());
				case "/run":
					return Response.json(await stmt().run());
				case "/first":
					return Response.json({ row: q("column") ? await stmt().first(q("column")) : await stmt().first() });
				case "/raw":
					return Response.json(await stmt().raw(q("columns") ? { columnNames: true } : undefined));
				case "/blob": {
					await db.prepare("INSERT INTO files (name, bytes) VALUES (?, ?)").bind("b", new Uint8Array([1, 2, 255])).run();
					return Response.json(await db.prepare("SELECT bytes, typeof(bytes) AS t FROM files WHERE name = 'b'").first());
				}
				case "/reuse": {
					const byId = db.prepare("SELECT ? AS v");
					return Response.json([await byId.bind(1).first("v"), await byId.bind("two").first("v"), await byId.bind(true).first("v")]);
				}
				case "/batch": {
					// D1's own idiom: statements prepared inline, never awaited before the batch.
					const list = await request.json();
					return Response.json(await db.batch(list.map((s) => db.prepare(s.sql).bind(...(s.params ?? [])))));
				}
				case "/bad-bind": {
					// bind() itself refuses, synchronously, as workerd's binding does.
					const statement = db.prepare("SELECT ?");
					try {
						statement.bind({ a: 1 });
					} catch (error) {
						return Response.json({ error: error.message, sync: true }, { status: 400 });
					}
					return Response.json({ error: "bind() accepted an object" });
				}
				case "/shape": {
					const statement = db.prepare("SELECT ?").bind(1);
					return Response.json({ sync: typeof statement.then, statement: statement.statement, params: statement.params, db: db.constructor.name });
				}
				case "/dump":
					return Response.json(await db.dump());
				case "/uncaught":
					return Response.json(await db.prepare("SELECT * FROM nowhere").all());
				case "/env":
					return Response.json(Object.keys(env).sort());
			}
			return new Response("no such call", { status: 404 });
		} catch (error) {
			if (url.pathname === "/uncaught") throw error;
			return Response.json({ error: error.message }, { status: 400 });
		}
	},
};`;

const D1_BINDING = { type: "d1", name: "DB", id: "app" };

async function deployed(t: { token: string }, name = uniqueName(), bindings: unknown[] = [D1_BINDING]) {
	const res = await deploy(t.token, name, D1_WORKER, { bindings });
	if (res.status !== 200) throw new Error(`deploy failed: ${res.status} ${await res.text()}`);
	return { name, deployment: (await json(res)).deployment as { id: string } };
}

const call = async (host: string, path: string, body?: string) => {
	const res = await visit(`${host}.localhost`, path, body === undefined ? undefined : { method: "POST", body });
	return { status: res.status, body: await json(res) };
};

const sql = (path: string, statement: string, params: unknown[] = [], extra = "") =>
	`${path}?sql=${encodeURIComponent(statement)}&params=${encodeURIComponent(JSON.stringify(params))}${extra}`;

const SCHEMA = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)\nCREATE TABLE files (name TEXT, bytes BLOB)";

const meta = {
	served_by: "ferry.d1",
	served_by_primary: true,
	total_attempts: 1,
	timings: { sql_duration_ms: expect.any(Number) },
	duration: expect.any(Number),
	changes: expect.any(Number),
	last_row_id: expect.any(Number),
	changed_db: expect.any(Boolean),
	size_after: expect.any(Number),
	rows_read: expect.any(Number),
	rows_written: expect.any(Number),
};

describe("D1 databases", () => {
	it("serve the D1 client API to unchanged tenant code, with D1's result shapes", async () => {
		const t = await newTenant();
		const { name } = await deployed(t);
		expect((await call(name, "/env")).body).toEqual(["DB"]);
		expect((await call(name, "/exec", SCHEMA)).body).toEqual({ count: 2, duration: expect.any(Number) });

		const inserted = (await call(name, sql("/run", "INSERT INTO users (name) VALUES (?)", ["ada"]))).body;
		expect(inserted).toEqual({ success: true, meta: { ...meta, changes: 1, last_row_id: 1, changed_db: true }, results: [] });
		await call(name, sql("/run", "INSERT INTO users (name) VALUES (?), (?)", ["grace", "linus"]));

		const all = (await call(name, sql("/all", "SELECT id, name FROM users ORDER BY id"))).body;
		expect(all).toEqual({
			success: true,
			meta: { ...meta, changes: 0, changed_db: false },
			results: [
				{ id: 1, name: "ada" },
				{ id: 2, name: "grace" },
				{ id: 3, name: "linus" },
			],
		});
		expect((await call(name, sql("/first", "SELECT * FROM users WHERE id = ?", [2]))).body).toEqual({ row: { id: 2, name: "grace" } });
		expect((await call(name, sql("/first", "SELECT * FROM users WHERE id = ?", [2], "&column=name"))).body).toEqual({ row: "grace" });
		expect((await call(name, sql("/first", "SELECT * FROM users WHERE id = ?", [99]))).body).toEqual({ row: null });
		expect((await call(name, sql("/raw", "SELECT id, name FROM users WHERE id < 3 ORDER BY id"))).body).toEqual([
			[1, "ada"],
			[2, "grace"],
		]);
		expect((await call(name, sql("/raw", "SELECT id, name FROM users WHERE id = 1", [], "&columns=1"))).body).toEqual([
			["id", "name"],
			[1, "ada"],
		]);
		// Several statements in one prepare: the last one's rows, as D1 answers.
		expect((await call(name, sql("/all", "SELECT 1 AS a; SELECT 2 AS b"))).body.results).toEqual([{ b: 2 }]);
		// A BLOB goes in as bytes and comes back as D1 answers it, an array of its bytes; a statement stub can be bound again and again.
		expect((await call(name, "/blob")).body).toEqual({ bytes: [1, 2, 255], t: "blob" });
		expect((await call(name, "/reuse")).body).toEqual([1, "two", 1]);
		// A statement is a local object, as workerd's: not a promise, its text and values readable.
		expect((await call(name, "/shape")).body).toEqual({ sync: "undefined", statement: "SELECT ?", params: [1], db: "D1Database" });
	});

	it("run a batch as one transaction: every result, or nothing kept and D1's error", async () => {
		const t = await newTenant();
		const { name } = await deployed(t);
		await call(name, "/exec", SCHEMA);
		const batch = await call(
			name,
			"/batch",
			JSON.stringify([{ sql: "INSERT INTO users (name) VALUES (?)", params: ["ada"] }, { sql: "SELECT count(*) AS n FROM users" }]),
		);
		expect(batch.body).toEqual([
			{ success: true, meta: { ...meta, changes: 1 }, results: [] },
			{ success: true, meta, results: [{ n: 1 }] },
		]);
		const failed = await call(
			name,
			"/batch",
			JSON.stringify([{ sql: "INSERT INTO users (name) VALUES (?)", params: ["grace"] }, { sql: "SELECT * FROM nope" }]),
		);
		expect(failed.body).toEqual({ error: "D1_ERROR: no such table: nope: SQLITE_ERROR" });
		expect((await call(name, sql("/first", "SELECT count(*) AS n FROM users", [], "&column=n"))).body).toEqual({ row: 1 });
		// A unique constraint in the second statement undoes the first.
		const conflict = await call(
			name,
			"/batch",
			JSON.stringify([
				{ sql: "INSERT INTO users (name) VALUES (?)", params: ["linus"] },
				{ sql: "INSERT INTO users (name) VALUES (?)", params: ["ada"] },
			]),
		);
		expect(conflict.body.error).toMatch(/^D1_ERROR: UNIQUE constraint failed: users\.name/);
		expect((await call(name, sql("/first", "SELECT count(*) AS n FROM users", [], "&column=n"))).body).toEqual({ row: 1 });
		expect((await call(name, "/batch", "[]")).body).toEqual({ error: "D1_ERROR: No SQL statements detected." });
	});

	it("answer bad SQL with D1's messages, in the tenant's code", async () => {
		const t = await newTenant();
		const { name } = await deployed(t);
		await call(name, "/exec", SCHEMA);
		const error = async (path: string, body?: string) => (await call(name, path, body)).body.error as string;
		expect(await error(sql("/all", "SELECT * FROM x"))).toBe("D1_ERROR: no such table: x: SQLITE_ERROR");
		expect(await error(sql("/all", "SELEC 1"))).toBe('D1_ERROR: near "SELEC": syntax error at offset 0: SQLITE_ERROR');
		expect(await error(sql("/all", ""))).toBe("D1_ERROR: No SQL statements detected.");
		expect(await error(sql("/first", "SELECT 1 AS a", [], "&column=b"))).toBe("D1_COLUMN_NOTFOUND: Column not found (b)");
		expect((await call(name, "/bad-bind")).body).toEqual({
			error: "D1_TYPE_ERROR: Type 'object' not supported for value '[object Object]'",
			sync: true,
		});
		expect(await error("/exec", "SELECT 1;\nSELECT * FROM nope")).toBe(
			"D1_EXEC_ERROR: Error in line 1: SELECT 1;: no such table: nope: SQLITE_ERROR",
		);
		expect(await error("/dump")).toMatch(/^D1 dump\(\) is not supported on Ferry/);
		// D1's limits: a statement over 100,000 bytes, more than 100 bound values.
		expect(await error(sql("/all", `SELECT '${"x".repeat(100_000)}'`))).toBe("D1_ERROR: statement too long: SQLITE_TOOBIG");
		const many = Array.from({ length: 101 }, (_, i) => i);
		expect(await error(sql("/all", `SELECT ${many.map(() => "?").join(", ")}`, many))).toBe(
			"D1_ERROR: too many SQL variables: SQLITE_ERROR",
		);
		// Uncaught, it is the tenant's 500 page, which names no platform internals.
		const res = await visit(`${name}.localhost`, "/uncaught");
		expect(res.status).toBe(500);
		expect(await res.text()).not.toMatch(/resources|Durable|TenantDatabase|ferry\.d1/i);
	});

	it("keep their data across redeploys, rollbacks and previews", async () => {
		const t = await newTenant();
		const { name, deployment: first } = await deployed(t);
		await call(name, "/exec", SCHEMA);
		await call(name, sql("/run", "INSERT INTO users (name) VALUES (?)", ["ada"]));
		const { deployment: second } = await deployed(t, name);
		const count = async (host: string) => (await call(host, sql("/first", "SELECT count(*) AS n FROM users", [], "&column=n"))).body;
		expect(await count(name)).toEqual({ row: 1 });
		await call(name, sql("/run", "INSERT INTO users (name) VALUES (?)", ["grace"]));
		expect((await api(`/v1/scripts/${name}/rollback`, { method: "POST", token: t.token })).status).toBe(200);
		expect(await count(name)).toEqual({ row: 2 });
		expect(await count(`${first.id}--${name}`)).toEqual({ row: 2 });
		expect(await count(`${second.id}--${name}`)).toEqual({ row: 2 });
		// Another script of the same tenant binding the same database (under another env name) shares it.
		const { name: other } = await deployed(t, uniqueName(), [{ ...D1_BINDING, name: "DB" }]);
		expect(await count(other)).toEqual({ row: 2 });
	});

	it("are the tenant's own: another tenant's equal name is another database, unreachable by any name", async () => {
		const a = await newTenant();
		const b = await newTenant();
		const { name: aScript } = await deployed(a);
		const { name: bScript } = await deployed(b);
		await call(aScript, "/exec", SCHEMA);
		await call(aScript, sql("/run", "INSERT INTO users (name) VALUES (?)", ["a-only"]));
		expect((await call(bScript, sql("/all", "SELECT * FROM users"))).body).toEqual({
			error: "D1_ERROR: no such table: users: SQLITE_ERROR",
		});
		// b's database holds b's tables only: nothing of a's, nothing of the platform's.
		expect((await call(bScript, sql("/all", "SELECT name FROM sqlite_master"))).body.results).toEqual([]);
		// Names that look like a's store key, or a Cloudflare database id, are names in b's own space.
		for (const guess of [`${a.id}-app`, `${a.id}/d1/app`, "app/..", "00000000-0000-0000-0000-000000000000"]) {
			const res = await deploy(b.token, uniqueName(), D1_WORKER, { bindings: [{ ...D1_BINDING, id: guess }] });
			if (res.status === 200) {
				const script = (await json(res)).deployment.script as string;
				expect((await call(script, sql("/all", "SELECT name FROM sqlite_master"))).body.results).toEqual([]);
			} else expect(res.status).toBe(400);
		}
		const c = await newTenant();
		expect((await api("/v1/resources/d1/app", { method: "DELETE", token: c.token })).status).toBe(404);
		expect((await call(aScript, sql("/first", "SELECT name FROM users", [], "&column=name"))).body).toEqual({ row: "a-only" });
	});

	it("are listed with their size, and deleted only when asked", async () => {
		const t = await newTenant();
		const { name } = await deployed(t);
		await call(name, "/exec", SCHEMA);
		const listed = await json(await api("/v1/resources", { token: t.token }));
		expect(listed.resources).toEqual([{ type: "d1", name: "app", created_at: expect.any(String), keys: null, bytes: expect.any(Number) }]);
		expect(listed.resources[0].bytes).toBeGreaterThan(0);
		expect((await api(`/v1/scripts/${name}`, { method: "DELETE", token: t.token })).status).toBe(200);
		expect((await json(await api("/v1/resources", { token: t.token }))).resources).toHaveLength(1);
		const deleted = await api("/v1/resources/d1/app", { method: "DELETE", token: t.token });
		expect(await json(deleted)).toEqual({ deleted: { type: "d1", name: "app" } });
		const { name: again } = await deployed(t);
		expect((await call(again, sql("/all", "SELECT name FROM sqlite_master"))).body.results).toEqual([]);
	});

	it("refuse bad bindings at upload", async () => {
		const t = await newTenant();
		const refused = async (bindings: unknown[], message: RegExp) => {
			const res = await deploy(t.token, uniqueName(), D1_WORKER, { bindings });
			expect(res.status).toBe(400);
			expect((await json(res)).error.message).toMatch(message);
		};
		await refused([D1_BINDING, { ...D1_BINDING, id: "other" }], /binding 'DB' is given twice/);
		await refused([D1_BINDING, { type: "kv_namespace", name: "DB", namespace_id: "db" }], /binding 'DB' is given twice/);
		await refused([{ type: "d1", name: "DB" }], /needs id/);
		await refused([{ ...D1_BINDING, id: "a/b" }], /id names a database in your own space/);
	});
});
