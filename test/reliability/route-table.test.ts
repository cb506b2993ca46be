/**
 * A runtime process starts with its route table (issue 19.3): when the supervisor sets a process
 * live (here a recycled one), the control process loads every live route of its slot into it, so a
 * first request to a host it never served reads no route. Observed by moving the route in D1 behind
 * the API's back after the table was loaded: a route read would answer 404, the table answers the
 * script. A deploy's refresh still reaches the table afterwards (never a stale route once it answered).
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { expect, it } from "vitest";
import { get, hello, platformForFile } from "./support.ts";

const RECYCLE_AFTER = 3;
// One runtime slot, so every script is that process's, and a tiny recycle threshold to replace it.
const platform = platformForFile(["--recycle-after", String(RECYCLE_AFTER)], 1);
const TABLE_LOADED = "loaded a runtime process's route table";

/** The platform's D1 database file (wrangler's --persist-to layout), opened beside the running workerd. */
function platformDatabase(stateDir: string): DatabaseSync {
	const dir = path.join(stateDir, "v3", "d1", "miniflare-D1DatabaseObject");
	for (const file of readdirSync(dir).filter((name) => name.endsWith(".sqlite"))) {
		const db = new DatabaseSync(path.join(dir, file));
		if (db.prepare("SELECT name FROM sqlite_master WHERE name = 'routes'").get()) return db;
		db.close();
	}
	throw new Error(`no database with a routes table in ${dir}`);
}

it("serves a host a restarted runtime process never saw from the route table it started with, no route read", async () => {
	const { dev } = platform();
	const tenant = await platform().tenant("route-table");
	expect((await tenant.deploy("table-kept", hello("from the table"))).status).toBe(200);
	const loaded = platform().linesWith(TABLE_LOADED);
	const recycled = platform().linesWith("recycled after");
	// Each deploy starts its deployment's isolate in the runtime process: past the threshold it is recycled.
	for (let i = 0; i < RECYCLE_AFTER + 1; i++) expect((await tenant.deploy(`table-filler-${i}`, hello(`filler ${i}`))).status).toBe(200);
	await expect.poll(() => platform().linesWith("recycled after") - recycled, { timeout: 30_000, interval: 100 }).toBeGreaterThan(0);
	await expect.poll(() => platform().linesWith(TABLE_LOADED) - loaded, { timeout: 30_000, interval: 100 }).toBeGreaterThan(0);

	// Behind the API's back the route disappears: a route read now finds nothing (404).
	const db = platformDatabase(dev.stateDir);
	try {
		db.prepare("UPDATE routes SET label = label || '-moved' WHERE label = ?").run("table-kept");
	} finally {
		db.close();
	}
	const first = await get(dev.at("table-kept"));
	expect([first.status, first.text]).toEqual([200, "from the table"]);
	expect((await get(dev.at("table-never"))).status).toBe(404);

	// A route move still reaches the table: the deploy's answer is followed by its version.
	expect((await tenant.deploy("table-kept", hello("v2"))).status).toBe(200);
	const after = await get(dev.at("table-kept"));
	expect([after.status, after.text]).toEqual([200, "v2"]);
}, 120_000);
