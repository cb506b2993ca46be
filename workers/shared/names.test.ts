import { describe, expect, it } from "vitest";
import { COMPATIBILITY_DATE, DNS_LABEL, moduleNameProblem, normalizeModuleName, PLAN_NAME, scriptNameProblem, VAR_NAME } from "./names";

describe("script names", () => {
	it.each(["hello", "a", "my-app-2", "x".repeat(63)])("accepts %s", (name) => {
		expect(scriptNameProblem(name)).toBeUndefined();
	});
	it.each(["", "Hello", "-a", "a-", "a_b", "a.b", "x".repeat(64), "a--b", "api", "www", "admin", "dash"])("refuses %j", (name) => {
		expect(scriptNameProblem(name)).toBeTypeOf("string");
	});
});

describe("module names", () => {
	it.each(["index.js", "src/lib/util.mjs", "data/x.wasm"])("accepts %s", (name) => {
		expect(moduleNameProblem(name)).toBeUndefined();
	});
	it.each(["", "/abs.js", "../up.js", "a/../b.js", "a\0b.js", "a//b.js", "./a.js", "a\\b.js"])("refuses %j", (name) => {
		expect(moduleNameProblem(name)).toBeTypeOf("string");
	});
});

describe("normalizing module names", () => {
	it.each([
		["./x.wasm", "x.wasm"],
		["././a/b.js", "a/b.js"],
		["a/./b.js", "a/./b.js"],
		["../a.js", "../a.js"],
		["./../a.js", "../a.js"],
		["/a.js", "/a.js"],
		[".a.js", ".a.js"],
	])("%j is %j", (name, normalized) => {
		expect(normalizeModuleName(name)).toBe(normalized);
	});
});

describe("the other patterns", () => {
	it.each([
		["DNS label", DNS_LABEL, ["a", "acme-2", "x".repeat(63)], ["", "-a", "a-", "A", "a.b", "x".repeat(64)]],
		["plan name", PLAN_NAME, ["free", "pro-2", "x".repeat(32)], ["", "Pro", "a_b", "x".repeat(33)]],
		["var name", VAR_NAME, ["A", "_x", "API_KEY2"], ["", "2A", "A-B", "a b", "A:"]],
		["compatibility date", COMPATIBILITY_DATE, ["2026-11-01"], ["2026-11-1", "yesterday", "2026-11-01T00:00"]],
	] as const)("%s", (_, pattern, accepted, refused) => {
		for (const value of accepted) expect(pattern.test(value), value).toBe(true);
		for (const value of refused) expect(pattern.test(value), value).toBe(false);
	});
});
