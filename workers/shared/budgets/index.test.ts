import { describe, expect, it } from "vitest";
import { budgetStopOf, exceededBudget, nextMonthStart } from "./index";

describe("budget stops", () => {
	const stop = { budgetExceeded: "requests" as const, budgetMonth: "2026-12", budgetAllowed: 100 };

	it("hold only in their own month: the month change lifts them with no write", () => {
		expect(budgetStopOf(stop, Date.parse("2026-12-31T23:59:59.999Z"))).toEqual({ budget: "requests", allowed: 100, month: "2026-12" });
		expect(budgetStopOf(stop, Date.parse("2027-01-01T00:00:00Z"))).toBeNull();
		expect(budgetStopOf({ budgetExceeded: null, budgetMonth: null, budgetAllowed: null }, Date.parse("2026-12-05T00:00:00Z"))).toBeNull();
	});

	it("end at the start of the next UTC month", () => {
		expect(nextMonthStart(Date.parse("2026-12-15T10:00:00Z"))).toBe(Date.parse("2027-01-01T00:00:00Z"));
		expect(nextMonthStart(Date.parse("2026-01-31T23:59:59Z"))).toBe(Date.parse("2026-02-01T00:00:00Z"));
	});

	it("start when use reaches a budget, requests first; no budget is never reached", () => {
		expect(exceededBudget({ requests: 9, cpu_ms: 1 }, { requests: 10, cpu_ms: null })).toBeNull();
		expect(exceededBudget({ requests: 10, cpu_ms: 1 }, { requests: 10, cpu_ms: null })).toEqual({
			budget: "requests",
			used: 10,
			allowed: 10,
		});
		expect(exceededBudget({ requests: 10, cpu_ms: 50 }, { requests: 10, cpu_ms: 20 })?.budget).toBe("requests");
		expect(exceededBudget({ requests: 1, cpu_ms: 50 }, { requests: null, cpu_ms: 20 })).toEqual({
			budget: "cpu_ms",
			used: 50,
			allowed: 20,
		});
		expect(exceededBudget({ requests: 1e9, cpu_ms: 1e9 }, { requests: null, cpu_ms: null })).toBeNull();
	});
});
