/**
 * The compatibility table (workers/shared/compatibility/) against wrangler and against its page:
 * the config table lists exactly wrangler's config keys (checked by the compiler against wrangler's
 * `RawConfig`, and at run time against the keys wrangler's reader fills in), every refused row says
 * why, and docs/compatibility.md holds the tables as they are. The refusals themselves are walked
 * through the API (test/workers/compatibility.test.ts) and the CLI (test/cli/compatibility.test.ts).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Unstable_RawConfig } from "wrangler";
import { BINDING_TYPES, UPLOAD_METADATA, WRANGLER_CONFIG, type WranglerConfigKey } from "../../workers/shared/compatibility/index.ts";
import { compatibilityTables } from "../../workers/shared/compatibility/render.ts";

// A wrangler upgrade that adds a config key fails the typecheck here until the table has its row.
type Missing = Exclude<keyof Unstable_RawConfig, WranglerConfigKey>;
type Extra = Exclude<WranglerConfigKey, keyof Unstable_RawConfig>;
const exactlyWranglersKeys: [Missing, Extra] extends [never, never] ? true : { missing: Missing; extra: Extra } = true;

/** Fields wrangler's reader computes (cli/src/project/config.ts skips the same). */
const COMPUTED = ["configPath", "userConfigPath", "topLevelName", "definedEnvironments", "targetEnvironment"];

describe("the compatibility table", () => {
	it("has a row for every key wrangler's reader fills in", async () => {
		expect(exactlyWranglersKeys).toBe(true);
		const { unstable_defaultWranglerConfig } = await import("wrangler");
		const keys = Object.keys(unstable_defaultWranglerConfig).filter((key) => !COMPUTED.includes(key));
		expect(keys.length).toBeGreaterThan(50);
		expect(keys.filter((key) => !Object.hasOwn(WRANGLER_CONFIG, key))).toEqual([]);
	});

	it("says why for every row", () => {
		for (const table of [WRANGLER_CONFIG, UPLOAD_METADATA, BINDING_TYPES])
			for (const [key, row] of Object.entries(table)) expect(row.note.length, key).toBeGreaterThan(10);
	});

	it("is what docs/compatibility.md shows (npm run docs:compat)", () => {
		const docs = readFileSync(path.join(import.meta.dirname, "..", "..", "docs", "compatibility.md"), "utf8");
		expect(docs, "docs/compatibility.md is stale: run `npm run docs:compat`").toContain(compatibilityTables());
	});
});
