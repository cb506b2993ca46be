/** docs/api.md against the code it documents. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { ERROR_STATUS } from "../../workers/shared/http/errors.ts";

const API_MD = readFileSync(path.join(import.meta.dirname, "..", "..", "docs", "api.md"), "utf8");

it("lists exactly the error codes the API raises, each with its status", () => {
	// The rows of the error table: | `code` | status | meaning |
	const documented = [...API_MD.matchAll(/^\| `([a-z_]+)`\s*\| (\d{3})\s*\|/gm)].map(([, code, status]) => [code, Number(status)]);
	expect(documented.length).toBeGreaterThan(0);
	expect(Object.fromEntries(documented)).toEqual(ERROR_STATUS);
	expect(documented).toHaveLength(Object.keys(ERROR_STATUS).length);
});
