import { describe, expect, it } from "vitest";
import { InFlight } from "./in-flight.ts";

describe("InFlight", () => {
	it("reports what is in flight on a side, and what it lost in the last seconds", () => {
		const inFlight = new InFlight();
		const done = inFlight.start(0, "done", 0);
		inFlight.start(0, "open", 10);
		const lost = inFlight.start(0, "lost", 20);
		inFlight.start(1, "other side", 30);
		inFlight.end(0, done);
		inFlight.fail(0, lost, 40);
		expect(inFlight.count(0)).toBe(1);
		expect(inFlight.take(0, 1_000)).toEqual([
			{ label: "open", startedAt: 10 },
			{ label: "lost", startedAt: 20 },
		]);
		expect(inFlight.count(1)).toBe(1);
	});

	it("forgets a taken side: a request that fails after it was reported is not reported again", () => {
		const inFlight = new InFlight();
		const token = inFlight.start(0, "spin", 0);
		expect(inFlight.take(0, 10).map((r) => r.label)).toEqual(["spin"]);
		// Its process is killed after the take: the forward fails.
		inFlight.fail(0, token, 20);
		expect(inFlight.take(0, 30)).toEqual([]);
	});

	it("forgets lost requests after a few seconds", () => {
		const inFlight = new InFlight();
		inFlight.fail(0, inFlight.start(0, "old", 0), 0);
		expect(inFlight.take(0, 10_000)).toEqual([]);
	});
});
