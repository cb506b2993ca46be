import { describe, expect, it } from "vitest";
import { moduleNameProblem, normalizeModuleName, scriptNameProblem } from "./names";

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
