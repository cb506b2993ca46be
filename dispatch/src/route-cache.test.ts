import { describe, expect, it } from "vitest";
import { RouteCache } from "./route-cache";

const target = (label: string) => ({ label, scriptName: label, deploymentId: `d-${label}`, tenantId: "t" });

describe("RouteCache", () => {
	it("answers cached targets and cached misses, and nothing for unknown labels", () => {
		const cache = new RouteCache(10, 1000);
		cache.set("a", target("a"), 0);
		cache.set("gone", null, 0);
		expect(cache.get("a", 1)?.deploymentId).toBe("d-a");
		expect(cache.get("gone", 1)).toBeNull();
		expect(cache.get("other", 1)).toBeUndefined();
	});

	it("evicts the least recently used entry past its bound", () => {
		const cache = new RouteCache(2, 1000);
		cache.set("a", target("a"), 0);
		cache.set("b", target("b"), 0);
		cache.get("a", 1);
		cache.set("c", target("c"), 2);
		expect(cache.size).toBe(2);
		expect(cache.get("b", 3)).toBeUndefined();
		expect(cache.get("a", 3)).not.toBeUndefined();
	});

	it("expires entries after the ttl and forgets invalidated ones", () => {
		const cache = new RouteCache(10, 100);
		cache.set("a", target("a"), 0);
		cache.set("b", target("b"), 0);
		expect(cache.get("a", 100)).toBeUndefined();
		cache.delete("b");
		expect(cache.get("b", 1)).toBeUndefined();
	});
});
