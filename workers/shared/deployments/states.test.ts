import { describe, expect, it } from "vitest";
import { assertTransition, canTransition, DEPLOYMENT_STATES, type DeploymentState, IllegalTransitionError } from "./states";

const legal: [DeploymentState, DeploymentState][] = [
	["Queued", "Built"],
	["Queued", "Error"],
	["Queued", "Deleted"],
	["Built", "Loaded"],
	["Built", "Error"],
	["Built", "Deleted"],
	["Loaded", "Deployed"],
	["Loaded", "Error"],
	["Loaded", "Deleted"],
	["Deployed", "Deleted"],
	["Error", "Deleted"],
];
const isLegal = (from: DeploymentState, to: DeploymentState) => legal.some(([f, t]) => f === from && t === to);
const all = DEPLOYMENT_STATES.flatMap((from) => DEPLOYMENT_STATES.map((to) => [from, to] as const));

describe("deployment state machine", () => {
	it.each(legal)("allows %s → %s", (from, to) => {
		expect(canTransition(from, to)).toBe(true);
		expect(() => assertTransition(from, to)).not.toThrow();
	});

	it.each(all.filter(([from, to]) => !isLegal(from, to)))("refuses %s → %s", (from, to) => {
		expect(canTransition(from, to)).toBe(false);
		expect(() => assertTransition(from, to)).toThrow(IllegalTransitionError);
	});

	it("has no way out of Deleted and no way back to Queued", () => {
		for (const state of DEPLOYMENT_STATES) {
			expect(canTransition("Deleted", state)).toBe(false);
			expect(canTransition(state, "Queued")).toBe(false);
		}
	});
});
