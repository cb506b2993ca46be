import { describe, expect, it } from "vitest";
import { decide } from "./suspicion.ts";

describe("decide", () => {
	it("names the one label in flight as the culprit", () => {
		expect(decide(["spin", "spin"], new Set(), false)).toEqual({ culprit: "spin", isolate: [], restore: [] });
	});

	it("isolates several labels in flight together", () => {
		expect(decide(["a", "b", "a"], new Set(), false)).toEqual({ culprit: undefined, isolate: ["a", "b"], restore: [] });
	});

	it("blames nobody when nothing was in flight (a loop that started after the response)", () => {
		expect(decide(["", ""], new Set(), false)).toEqual({ culprit: undefined, isolate: [], restore: [] });
	});

	it("narrows the isolated suspects to those in flight at the isolation slot's wedge, and sends the others back", () => {
		expect(decide(["b"], new Set(["a", "b", "c"]), true)).toEqual({ culprit: "b", isolate: [], restore: ["a", "c"] });
		expect(decide(["b", "c"], new Set(["a", "b", "c"]), true)).toEqual({ culprit: undefined, isolate: ["b", "c"], restore: ["a"] });
	});
});
