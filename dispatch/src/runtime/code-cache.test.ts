import { describe, expect, it } from "vitest";
import type { Manifest } from "../../../workers/shared/deployments/manifest";
import { codeBytes, createCodeCache, type DeploymentCode } from "./code-cache";

/** A deployment whose modules have these sizes in bytes. */
function code(id: string, ...sizes: number[]): DeploymentCode {
	const hashes = sizes.map((_, i) => `${id}${i}`.padEnd(64, "0"));
	const manifest: Manifest = {
		version: 1,
		deploymentId: id,
		scriptName: "s",
		tenantId: "t",
		mainModule: "index.js",
		compatibilityDate: "2026-11-01",
		compatibilityFlags: [],
		vars: {},
		modules: hashes.map((sha256, i) => ({ name: `m${i}.js`, kind: "esm", sha256, size: sizes[i]! })),
	};
	return { manifest, blobs: new Map(hashes.map((sha256, i) => [sha256, new ArrayBuffer(sizes[i]!)])), secrets: {} };
}

// The bounds and eviction order are BoundedMap's (workers/shared/bounded-map.test.ts); what is the
// code cache's own is what a deployment weighs.
describe("code cache", () => {
	it("weighs a deployment by the bytes of all its modules", () => {
		expect(codeBytes(code("a", 10, 30))).toBe(40);
		const cache = createCodeCache(100, 10);
		cache.set("a", code("a", 10, 30));
		cache.set("b", code("b", 50));
		expect(cache.weight).toBe(90);
		cache.set("c", code("c", 20));
		expect([cache.has("a"), cache.has("b"), cache.has("c")]).toEqual([false, true, true]);
	});

	it("does not keep a deployment larger than the whole byte bound", () => {
		const cache = createCodeCache(100, 10);
		cache.set("huge", code("huge", 60, 41));
		expect(cache.get("huge")).toBeUndefined();
	});

	it("stays within its entry bound", () => {
		const cache = createCodeCache(1000, 2);
		for (const id of ["a", "b", "c"]) cache.set(id, code(id, 1));
		expect(cache.size).toBe(2);
		expect(cache.get("a")).toBeUndefined();
	});
});
