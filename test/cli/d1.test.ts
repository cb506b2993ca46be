/**
 * A D1 database from a project's config to `env` and back (docs/bindings.md): `ferry deploy` of a
 * config with `d1_databases` (named by `database_name`, one by its binding), `ferry d1 execute`
 * with --command and --file (wrangler's words; --json prints D1's results), the tenant's Worker
 * reading what the CLI wrote, `ferry resources list`, and `ferry d1 delete`.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type Cli, newTenant, project, scriptUrl, uniqueName, visit } from "./support.ts";

let cli: Cli;
beforeAll(async () => {
	({ cli } = await newTenant("d1"));
});

const d1Project = (name: string) =>
	project({
		"wrangler.toml": `name = "${name}"
main = "src/index.js"
compatibility_date = "2026-11-01"

[[d1_databases]]
binding = "DB"
database_name = "app"
database_id = "00000000-0000-0000-0000-000000000000"
migrations_dir = "migrations"

[[d1_databases]]
binding = "SCRATCH"
`,
		"src/index.js": `export default {
	async fetch(request, env) {
		const { results } = await env.DB.prepare("SELECT name FROM users ORDER BY id").all();
		return Response.json(results.map((r) => r.name));
	},
};
`,
	});

describe("ferry d1", () => {
	it("deploys D1 databases from the config and runs SQL on them by binding or name", async () => {
		const name = uniqueName("d1");
		const dir = d1Project(name);
		writeFileSync(
			path.join(dir, "schema.sql"),
			"CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);\nINSERT INTO users (name) VALUES ('ada'), ('grace');\n",
		);
		await cli.ok(["deploy"], { cwd: dir });
		expect(await cli.ok(["d1", "execute", "DB", "--file", "schema.sql"], { cwd: dir })).toMatch(/Executed 2 commands in \d+\.\d\dms/);
		expect((await visit(scriptUrl(name))).text).toBe('["ada","grace"]');

		// --json: D1's results, as wrangler prints them; the database by its name in the tenant's space.
		const json = JSON.parse(await cli.ok(["d1", "execute", "app", "--command", "SELECT count(*) AS n FROM users", "--json"]));
		expect(json).toEqual([
			{ success: true, meta: expect.objectContaining({ changes: 0, rows_read: expect.any(Number) }), results: [{ n: 2 }] },
		]);
		expect(await cli.ok(["d1", "execute", "DB", "--command", "SELECT id, name FROM users ORDER BY id"], { cwd: dir })).toMatch(
			/id\s+name\n1\s+ada\n2\s+grace/,
		);
		// Several statements: every one's result, in order, as D1's query API answers (a ';' in a string or a trigger ends nothing).
		const several = JSON.parse(
			await cli.ok([
				"d1",
				"execute",
				"app",
				"--json",
				"--command",
				"INSERT INTO users (name) VALUES ('a;b'); SELECT name FROM users WHERE id = 3; SELECT count(*) AS n FROM users",
			]),
		);
		expect(several.map((r: { results: unknown[] }) => r.results)).toEqual([[], [{ name: "a;b" }], [{ n: 3 }]]);
		expect(several[0].meta).toMatchObject({ changes: 1, last_row_id: 3 });
		const tables = await cli.ok(["d1", "execute", "app", "--command", "SELECT 1 AS one; SELECT 2 AS two"]);
		expect(tables).toMatch(/one\n1\n[\s\S]*two\n2\n[\s\S]*Executed 2 commands in/);
		// A failing statement keeps nothing of the SQL it came in: the row before it is gone with it.
		const failed = await cli.run(["d1", "execute", "app", "--command", "DELETE FROM users; SELECT * FROM nowhere"]);
		expect(failed.code).toBe(1);
		expect(failed.stderr.trimEnd().split("\n")).toHaveLength(1);
		expect(failed.stderr).toContain("D1_ERROR: no such table: nowhere: SQLITE_ERROR");
		await cli.ok(["d1", "execute", "app", "--command", "DELETE FROM users WHERE id = 3"]);
		// The other database is named by its binding, and is another database.
		const scratch = await cli.run(["d1", "execute", "SCRATCH", "--command", "SELECT * FROM users"], { cwd: dir });
		expect(scratch.code).toBe(1);
		expect(scratch.stderr.trimEnd().split("\n")).toHaveLength(1);
		expect(scratch.stderr).toContain("D1_ERROR: no such table: users: SQLITE_ERROR");

		const { resources } = await cli.json(["resources", "list"]);
		expect(resources).toEqual([
			{ type: "d1", name: "SCRATCH", created_at: expect.any(String), keys: null, bytes: expect.any(Number) },
			{ type: "d1", name: "app", created_at: expect.any(String), keys: null, bytes: expect.any(Number) },
		]);

		await cli.ok(["scripts", "delete", name, "--yes"]);
		expect(JSON.parse(await cli.ok(["d1", "execute", "app", "--command", "SELECT count(*) AS n FROM users", "--json"]))[0].results).toEqual(
			[{ n: 2 }],
		);
		expect(await cli.ok(["d1", "delete", "app"])).toContain("Deleted D1 database app");
		const gone = await cli.run(["d1", "execute", "app", "--command", "SELECT 1"]);
		expect(gone.code).toBe(1);
		expect(gone.stderr).toContain("D1 database 'app' not found");
	});

	it("migrations list and apply: migrations_dir in order, recorded in d1_migrations; the first failing one is rolled back and stops the run", async () => {
		const dir = project({
			"wrangler.toml": `name = "${uniqueName("d1m")}"\nmain = "src/index.js"\ncompatibility_date = "2026-11-01"\n\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "${uniqueName("mig")}"\nmigrations_dir = "db/migrations"\n`,
			"src/index.js": "export default { fetch: () => new Response('x') };\n",
			"db/migrations/0002_names.sql": "INSERT INTO notes (body) VALUES ('second');\n",
			"db/migrations/0001_init.sql":
				"CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\nINSERT INTO notes (body) VALUES ('first');\n",
			"db/migrations/README.md": "not a migration",
		});
		// The database is provisioned by the first deploy that binds it, as every resource is.
		await cli.ok(["deploy"], { cwd: dir });
		expect(await cli.ok(["d1", "migrations", "list", "DB"], { cwd: dir })).toMatch(
			/Migrations to be applied:\nName\n0001_init\.sql\n0002_names\.sql/,
		);
		expect(await cli.ok(["d1", "migrations", "apply", "DB"], { cwd: dir })).toMatch(/0001_init\.sql\s+✅\n0002_names\.sql\s+✅/);
		expect(await cli.ok(["d1", "migrations", "list", "DB"], { cwd: dir })).toContain("✅ No migrations to apply!");
		expect(await cli.ok(["d1", "migrations", "apply", "DB"], { cwd: dir })).toContain("✅ No migrations to apply!");

		writeFileSync(
			path.join(dir, "db/migrations/0003_broken.sql"),
			"INSERT INTO notes (body) VALUES ('third');\nINSERT INTO nowhere VALUES (1);\n",
		);
		writeFileSync(path.join(dir, "db/migrations/0004_after.sql"), "INSERT INTO notes (body) VALUES ('fourth');\n");
		const broken = await cli.run(["d1", "migrations", "apply", "DB"], { cwd: dir });
		expect(broken.code).toBe(1);
		expect(broken.stdout).toMatch(/0003_broken\.sql\s+❌\n0004_after\.sql\s+🕒️/);
		expect(broken.stderr.trimEnd().split("\n")).toHaveLength(1);
		expect(broken.stderr).toContain("Migration 0003_broken.sql failed: D1_ERROR: no such table: nowhere: SQLITE_ERROR");
		const rows = async (sql: string) =>
			JSON.parse(await cli.ok(["d1", "execute", "DB", "--command", sql, "--json"], { cwd: dir }))[0].results;
		expect(await rows("SELECT body FROM notes ORDER BY id")).toEqual([{ body: "first" }, { body: "second" }]);
		expect(await rows("SELECT name FROM d1_migrations ORDER BY id")).toEqual([{ name: "0001_init.sql" }, { name: "0002_names.sql" }]);
		expect(await cli.ok(["d1", "migrations", "list", "DB"], { cwd: dir })).toMatch(/0003_broken\.sql\n0004_after\.sql/);

		const none = await cli.run(["d1", "migrations", "list", "DB"], {
			cwd: project({ "wrangler.toml": 'name = "x"\n[[d1_databases]]\nbinding = "DB"\n' }),
		});
		expect(none.code).toBe(1);
		expect(none.stderr).toMatch(/No migrations present at .*\/migrations\./);
	});

	it("says in one line what is wrong with a command", async () => {
		for (const [argv, message] of [
			[["d1", "execute", "app"], "give the SQL with --command SQL or --file FILE (one of them)"],
			[
				["d1", "execute", "app", "--command", "SELECT 1", "--file", "x.sql"],
				"give the SQL with --command SQL or --file FILE (one of them)",
			],
			[["d1", "execute", "never-declared", "--command", "SELECT 1"], "D1 database 'never-declared' not found"],
		] as const) {
			const { code, stderr } = await cli.run([...argv]);
			expect(code).toBe(1);
			expect(stderr.trimEnd().split("\n")).toHaveLength(1);
			expect(stderr).toContain(message);
		}
	});
});
