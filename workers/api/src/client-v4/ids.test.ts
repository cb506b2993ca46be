import { describe, expect, it } from "vitest";
import { newId } from "../../../shared/ids";
import { deploymentIdOf, versionIdOf } from "./ids";

describe("version ids", () => {
	it("are UUID-shaped and give back the deployment id", () => {
		for (let i = 0; i < 50; i++) {
			const id = newId();
			const version = versionIdOf(id);
			expect(version).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
			expect(deploymentIdOf(version)).toBe(id);
			expect(deploymentIdOf(version.toUpperCase())).toBe(id);
		}
	});

	it.each([
		"",
		"not-a-uuid",
		"00000000-0000-0000-0000-000000000000",
		"ffffffff-ffff-ffff-ffff-ffffffffffff",
		"00000000-0000-0000-0000-00000000002f",
	])("%j names no deployment", (version) => {
		expect(deploymentIdOf(version)).toBeUndefined();
	});
});
