/** docs/deploy-to-cloudflare.md against the code it documents. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { CLOUDFLARE_ERRORS } from "../../workers/api/src/publish/dispatch-namespace/errors.ts";

const GUIDE = readFileSync(path.join(import.meta.dirname, "..", "..", "docs", "deploy-to-cloudflare.md"), "utf8");

it("lists exactly the Cloudflare error codes the publisher reads, each with its fault and meaning", () => {
	// The rows of the table: | 10021 | code | meaning |
	const documented = [...GUIDE.matchAll(/^\s*\| (\d+)\s*\| (code|platform|transient)\s*\| (.+?)\s*\|$/gm)].map(
		([, code, fault, meaning]) => [Number(code), { fault, meaning }],
	);
	expect(documented.length).toBeGreaterThan(0);
	expect(Object.fromEntries(documented)).toEqual(CLOUDFLARE_ERRORS);
	expect(documented).toHaveLength(Object.keys(CLOUDFLARE_ERRORS).length);
});
