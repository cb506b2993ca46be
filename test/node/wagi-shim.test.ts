import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { GENERATED_PATH, generateShimModule } from "../../workers/wasm/build-wagi-shim.ts";

it("has the WAGI shim's generated module up to date with its sources (npm run build:wagi-shim)", async () => {
	expect(readFileSync(GENERATED_PATH, "utf8")).toBe(await generateShimModule());
});
