import { describe, expect, it } from "vitest";
import { LIMITS } from "../limits";
import { cronProblem, cronsProblem, isDue, startOfMinute } from "./cron";

const at = (iso: string) => Date.parse(iso);

describe("cronProblem", () => {
	it.each([
		"*/5 * * * *",
		"0 17 * * sun",
		"0 17 * * 1",
		"10 7 * * mon-fri",
		"59 23 LW * *",
		"0 18 * * 6L",
		"0 18 * * friL",
		"0 0 * * 2#1",
		"0 15 1 * *",
	])("takes Cloudflare's %s", (cron) => expect(cronProblem(cron)).toBeUndefined());

	it.each([
		["bogus", "1 field"],
		["* * * * * *", "6 fields"],
		["61 * * * *", "minute"],
		["0 0 * * 0", "weekday 0 is out of range"],
		["0 0 * * 8", "weekday 8 is out of range"],
		["@daily", "nickname"],
		["0 0 32 * *", "not a valid cron expression"],
	])("refuses %s, naming it", (cron, why) => {
		const problem = cronProblem(cron);
		expect(problem).toContain(JSON.stringify(cron));
		expect(problem).toContain(why);
	});

	it("refuses more crons than the limit, and a cron given twice", () => {
		const many = Array.from({ length: LIMITS.cronsPerScript + 1 }, (_, i) => `${i} * * * *`);
		expect(cronsProblem(many)).toContain(`at most ${LIMITS.cronsPerScript}`);
		expect(cronsProblem(["* * * * *", "* * * * *"])).toContain("twice");
		expect(cronsProblem(many.slice(1))).toBeUndefined();
	});
});

describe("isDue: which schedules fire at minute T (UTC)", () => {
	it("matches each minute its fields name, and no other", () => {
		expect(isDue("*/5 * * * *", at("2026-12-02T10:15:00Z"))).toBe(true);
		expect(isDue("*/5 * * * *", at("2026-12-02T10:16:00Z"))).toBe(false);
		// Within the minute: the minute it falls in is the one asked about.
		expect(isDue("*/5 * * * *", at("2026-12-02T10:15:42.5Z"))).toBe(true);
		// 1 is Sunday; 2026-12-06 is a Sunday, in UTC whatever the machine's zone.
		expect(isDue("0 17 * * 1", at("2026-12-06T17:00:00Z"))).toBe(true);
		expect(isDue("0 17 * * sun", at("2026-12-07T17:00:00Z"))).toBe(false);
		expect(isDue("10 7 * * mon-fri", at("2026-12-07T07:10:00Z"))).toBe(true);
		expect(isDue("10 7 * * mon-fri", at("2026-12-06T07:10:00Z"))).toBe(false);
		// The last weekday of December 2026 is Thursday the 31st; the last Friday is the 25th.
		expect(isDue("59 23 LW * *", at("2026-12-31T23:59:00Z"))).toBe(true);
		expect(isDue("59 23 LW * *", at("2026-12-30T23:59:00Z"))).toBe(false);
		expect(isDue("0 18 * * 6L", at("2026-12-25T18:00:00Z"))).toBe(true);
		expect(isDue("0 18 * * 6L", at("2026-12-18T18:00:00Z"))).toBe(false);
	});

	it("finds the start of the minute", () => {
		expect(startOfMinute(at("2026-12-02T10:15:42.5Z"))).toBe(at("2026-12-02T10:15:00Z"));
		expect(startOfMinute(at("2026-12-02T10:15:00Z"))).toBe(at("2026-12-02T10:15:00Z"));
	});
});
