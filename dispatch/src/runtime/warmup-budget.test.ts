import { describe, expect, it } from "vitest";
import { WarmupBudget } from "./warmup-budget";

describe("WarmupBudget", () => {
	it("allows at most `max` deployments warm ahead of traffic", () => {
		const budget = new WarmupBudget(2, 1000);
		expect(budget.take("a", 0)).toBe(true);
		expect(budget.take("b", 0)).toBe(true);
		expect(budget.take("c", 0)).toBe(false);
		expect(budget.size).toBe(2);
	});

	it("gives the slot back when the deployment serves a request", () => {
		const budget = new WarmupBudget(1, 1000);
		budget.take("a", 0);
		budget.served("a");
		expect(budget.take("b", 1)).toBe(true);
	});

	it("gives the slot back when the window passes without a request", () => {
		const budget = new WarmupBudget(1, 1000);
		budget.take("a", 0);
		expect(budget.take("b", 999)).toBe(false);
		expect(budget.take("b", 1000)).toBe(true);
	});

	it("does not warm a deployment twice while it counts", () => {
		const budget = new WarmupBudget(5, 1000);
		expect(budget.take("a", 0)).toBe(true);
		expect(budget.take("a", 1)).toBe(false);
		expect(budget.size).toBe(1);
	});
});
