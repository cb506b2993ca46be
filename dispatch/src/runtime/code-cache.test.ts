import { describe, expect, it } from "vitest";
import type { Manifest } from "../../../workers/shared/deployments/manifest";
import { CodeCache, type DeploymentCode } from "./code-cache";

/** A deployment whose one module has `bytes` bytes. */
function code(id: string, bytes: number): DeploymentCode {
	const sha256 = id.padEnd(64, "0");
	const manifest: Manifest = {
		version: 1,
		deploymentId: id,
		scriptName: "s",
		tenantId: "t",
		mainModule: "index.js",
		compatibilityDate: "2026-11-01",
		compatibilityFlags: [],
		vars: {},
		modules: [{ name: "index.js", kind: "esm", sha256, size: bytes }],
	};
	return { manifest, blobs: new Map([[sha256, new ArrayBuffer(bytes)]]) };
}

describe("CodeCache", () => {
	it("answers cached deployments and nothing for others", () => {
		const cache = new CodeCache(1000, 10);
		cache.set("a", code("a", 10));
		expect(cache.get("a")?.manifest.deploymentId).toBe("a");
		expect(cache.get("b")).toBeUndefined();
	});

	it("stays within its byte bound, evicting the least recently used", () => {
		const cache = new CodeCache(100, 10);
		cache.set("a", code("a", 40));
		cache.set("b", code("b", 40));
		cache.get("a");
		cache.set("c", code("c", 40));
		expect(cache.bytes).toBe(80);
		expect(cache.get("b")).toBeUndefined();
		expect(cache.get("a")).toBeDefined();
		expect(cache.get("c")).toBeDefined();
	});

	it("stays within its entry bound", () => {
		const cache = new CodeCache(1000, 2);
		for (const id of ["a", "b", "c"]) cache.set(id, code(id, 1));
		expect(cache.size).toBe(2);
		expect(cache.get("a")).toBeUndefined();
	});

	it("never keeps a deployment larger than the whole bound, nor lets it evict others", () => {
		const cache = new CodeCache(100, 10);
		cache.set("a", code("a", 50));
		cache.set("huge", code("huge", 101));
		expect(cache.get("huge")).toBeUndefined();
		expect(cache.get("a")).toBeDefined();
		expect(cache.bytes).toBe(50);
	});

	it("counts a replaced or deleted deployment's bytes once", () => {
		const cache = new CodeCache(100, 10);
		cache.set("a", code("a", 30));
		cache.set("a", code("a", 30));
		expect(cache.bytes).toBe(30);
		cache.delete("a");
		expect(cache.bytes).toBe(0);
		expect(cache.size).toBe(0);
	});
});
