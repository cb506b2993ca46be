/**
 * What `npm run dev` keeps in its state directory so that a restart is quick: the stamp of the D1
 * migrations it applied, and the platform Workers (wrangler's options, esbuild's bundles).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { migrateIfChanged, migrationStampPath } from "../../local/migrations.ts";
import { platformWorkers, preparedWorkersPath } from "../../local/workers.ts";

const dirs: string[] = [];
const tempDir = () => {
	const dir = mkdtempSync(path.join(tmpdir(), "ferry-local-start-"));
	dirs.push(dir);
	return dir;
};
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("migration stamp", () => {
	/**
	 * A migrations directory, a wrangler config and a state directory, and the runs of `apply` so far;
	 * `apply` creates the database file where wrangler's --persist-to layout puts it.
	 */
	function setup() {
		const migrations = tempDir();
		const state = tempDir();
		const config = path.join(tempDir(), "wrangler.toml");
		writeFileSync(path.join(migrations, "0000_init.sql"), "CREATE TABLE a (id TEXT);");
		writeFileSync(config, 'database_id = "one"\n');
		const database = path.join(state, "v3", "d1", "miniflare-D1DatabaseObject", "0123abcd.sqlite");
		const runs: string[] = [];
		const apply = async (dir: string) => {
			runs.push(dir);
			mkdirSync(path.dirname(database), { recursive: true });
			writeFileSync(database, "");
		};
		const migrate = () => migrateIfChanged(state, { dir: migrations, config, apply });
		return { migrations, config, state, database, runs, migrate };
	}

	it("applies the migrations once, then skips them while the files stay the same", async () => {
		const { state, runs, migrate } = setup();
		expect(await migrate()).toBe(true);
		expect(await migrate()).toBe(false);
		expect(runs).toEqual([state]);
	});

	it("applies them again when a migration file changes or a new one appears", async () => {
		const { migrations, runs, migrate } = setup();
		await migrate();
		writeFileSync(path.join(migrations, "0000_init.sql"), "CREATE TABLE a (id TEXT, name TEXT);");
		expect(await migrate()).toBe(true);
		writeFileSync(path.join(migrations, "0001_more.sql"), "CREATE TABLE b (id TEXT);");
		expect(await migrate()).toBe(true);
		expect(await migrate()).toBe(false);
		expect(runs).toHaveLength(3);
	});

	type Setup = ReturnType<typeof setup>;
	it.each<[string, (s: Setup) => void]>([
		[
			"the local database was deleted (the stamp lives beside it)",
			({ state }) => rmSync(path.join(state, "v3", "d1"), { recursive: true }),
		],
		["the database file alone was deleted", ({ database }) => rmSync(database)],
		["the config names another database", ({ config }) => writeFileSync(config, 'database_id = "two"\n')],
	])("applies them again, once, when %s", async (_, change) => {
		const s = setup();
		await s.migrate();
		change(s);
		expect(await s.migrate()).toBe(true);
		expect(await s.migrate()).toBe(false);
		expect(s.runs).toHaveLength(2);
	});

	it("writes no stamp when applying fails, so the next start tries again", async () => {
		const { migrations, state } = setup();
		const failing = migrateIfChanged(state, {
			dir: migrations,
			config: undefined,
			apply: async () => Promise.reject(new Error("wrangler failed")),
		});
		await expect(failing).rejects.toThrow("wrangler failed");
		expect(() => statSync(migrationStampPath(state))).toThrow();
	});
});

describe("kept platform Workers", () => {
	it("builds the Workers once and reuses them while nothing they came from changed", { timeout: 60_000 }, async () => {
		const state = tempDir();
		const bindings = {
			runtime: { TENANT_DOMAIN: "localhost" },
			api: { PLATFORM_DOMAIN: "localhost", FERRY_ADMIN_TOKEN: "secret-token" },
		};
		const first = await platformWorkers(state, bindings);
		expect([first.runtime.name, first.control.name, first.api.name]).toEqual(["ferry-runtime", "ferry-control", "ferry-api"]);
		const kept = preparedWorkersPath(state);
		const builtAt = statSync(kept).mtimeMs;
		const again = await platformWorkers(state, bindings);
		expect(statSync(kept).mtimeMs).toBe(builtAt);
		expect(again).toEqual(first);
		// Each Worker gets its own bindings (only the API the admin token), never written to the state directory.
		const tokenOf = (worker: (typeof again)["api"]) => (worker.bindings as Record<string, string>).FERRY_ADMIN_TOKEN;
		expect([tokenOf(again.api), tokenOf(again.runtime), tokenOf(again.control)]).toEqual(["secret-token", undefined, undefined]);
		expect((again.runtime.bindings as Record<string, string>).TENANT_DOMAIN).toBe("localhost");
		expect(readFileSync(kept, "utf8")).not.toContain("secret-token");
	});

	it("rebuilds when a source file differs from what the kept bundles were built from", { timeout: 60_000 }, async () => {
		const state = tempDir();
		await platformWorkers(state, {});
		const kept = preparedWorkersPath(state);
		const content = JSON.parse(readFileSync(kept, "utf8")) as { inputs: Record<string, string>; workers: unknown };
		expect(Object.keys(content.inputs)).toContain("dispatch/src/index.ts");
		// As if dispatch/src/index.ts had been edited since: its recorded size and mtime no longer match.
		content.inputs["dispatch/src/index.ts"] = "0:0";
		content.workers = {};
		writeFileSync(kept, JSON.stringify(content));
		const rebuilt = await platformWorkers(state, {});
		expect([rebuilt.runtime.name, rebuilt.api.name]).toEqual(["ferry-runtime", "ferry-api"]);
		expect(JSON.parse(readFileSync(kept, "utf8")).inputs["dispatch/src/index.ts"]).not.toBe("0:0");
	});
});
