import { describe, expect, it } from "vitest";
import { BoundedMap } from "./bounded-map";

/** Values weighed by their length. */
const weighed = (maxWeight: number, maxEntries = 10) => new BoundedMap<string, string>({ maxEntries, maxWeight, weigh: (v) => v.length });

describe("BoundedMap", () => {
	it("answers held values, including a held null, and nothing for unknown keys", () => {
		const map = new BoundedMap<string, string | null>({ maxEntries: 10 });
		map.set("a", "A");
		map.set("gone", null);
		expect(map.get("a")).toBe("A");
		expect(map.get("gone")).toBeNull();
		expect(map.get("other")).toBeUndefined();
		expect([map.has("gone"), map.has("other")]).toEqual([true, false]);
	});

	it("evicts the least recently used entry past its entry bound", () => {
		const map = new BoundedMap<string, string>({ maxEntries: 2 });
		map.set("a", "A");
		map.set("b", "B");
		map.get("a");
		map.set("c", "C");
		expect(map.size).toBe(2);
		expect(map.get("b")).toBeUndefined();
		expect(map.get("a")).toBe("A");
	});

	it("peeks without marking the entry used", () => {
		const map = new BoundedMap<string, string>({ maxEntries: 2 });
		map.set("a", "A");
		map.set("b", "B");
		expect(map.peek("a")).toBe("A");
		map.set("c", "C");
		expect(map.get("a")).toBeUndefined();
	});

	it("stays within its weight bound, evicting the least recently used", () => {
		const map = weighed(100);
		map.set("a", "x".repeat(40));
		map.set("b", "x".repeat(40));
		map.get("a");
		map.set("c", "x".repeat(40));
		expect(map.weight).toBe(80);
		expect(map.get("b")).toBeUndefined();
		expect([map.has("a"), map.has("c")]).toEqual([true, true]);
	});

	it("never keeps a value heavier than the whole bound, nor lets it evict others", () => {
		const map = weighed(100);
		map.set("a", "x".repeat(50));
		expect(map.set("huge", "x".repeat(101))).toBe(false);
		expect(map.get("huge")).toBeUndefined();
		expect(map.get("a")).toBeDefined();
		expect(map.weight).toBe(50);
	});

	it("counts a replaced or deleted entry's weight once", () => {
		const map = weighed(100);
		map.set("a", "x".repeat(30));
		map.set("a", "x".repeat(30));
		expect(map.weight).toBe(30);
		expect(map.delete("a")).toBe(true);
		expect(map.delete("a")).toBe(false);
		expect([map.weight, map.size]).toEqual([0, 0]);
	});

	it("forgets an entry ttlMs after it was set, however often it was read, and drops it", () => {
		const map = new BoundedMap<string, string>({ maxEntries: 10, ttlMs: 100 });
		map.set("a", "A", 0);
		map.set("b", "B", 0);
		expect(map.get("a", 99)).toBe("A");
		expect(map.get("a", 100)).toBeUndefined();
		expect(map.size).toBe(1);
		expect(map.has("b", 100)).toBe(false);
		expect(map.size).toBe(0);
	});

	it("prunes every expired entry at once", () => {
		const map = new BoundedMap<string, number>({ maxEntries: 10, ttlMs: 100 });
		map.set("old", 1, 0);
		map.set("new", 2, 50);
		map.get("old", 10);
		map.prune(120);
		expect(map.size).toBe(1);
		expect(map.get("new", 120)).toBe(2);
	});
});
