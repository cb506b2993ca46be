import { describe, expect, it } from "vitest";
import { TtlCache } from "./ttl-cache";

describe("TtlCache", () => {
	it("answers cached values, including a cached null, and nothing for unknown keys", () => {
		const cache = new TtlCache<string, string | null>(10, 1000);
		cache.set("a", "A", 0);
		cache.set("gone", null, 0);
		expect(cache.peek("a", 1)).toBe("A");
		expect(cache.peek("gone", 1)).toBeNull();
		expect(cache.peek("other", 1)).toBeUndefined();
	});

	it("evicts the least recently used entry past its bound", () => {
		const cache = new TtlCache<string, string>(2, 1000);
		cache.set("a", "A", 0);
		cache.set("b", "B", 0);
		cache.peek("a", 1);
		cache.set("c", "C", 2);
		expect(cache.size).toBe(2);
		expect(cache.peek("b", 3)).toBeUndefined();
		expect(cache.peek("a", 3)).toBe("A");
	});

	it("expires entries after the ttl (and drops them), and forgets deleted ones", () => {
		const cache = new TtlCache<string, string>(10, 100);
		cache.set("a", "A", 0);
		cache.set("b", "B", 0);
		expect(cache.peek("a", 100)).toBeUndefined();
		expect(cache.size).toBe(1);
		cache.delete("b");
		expect(cache.peek("b", 1)).toBeUndefined();
	});

	it("loads a missing value once and serves it from the cache until it expires", async () => {
		const cache = new TtlCache<string, number>(10, 100);
		let loads = 0;
		const load = async () => ++loads;
		expect(await cache.get("k", load, 0)).toBe(1);
		expect(await cache.get("k", load, 50)).toBe(1);
		expect(await cache.get("k", load, 100)).toBe(2);
	});
});
