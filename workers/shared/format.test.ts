import { describe, expect, it } from "vitest";
import { formatBytes, formatMs } from "./format";

describe("formatBytes", () => {
	it.each([
		[0, "0 bytes"],
		[1023, "1023 bytes"],
		[1024, "1 KiB"],
		[64_000, "62.5 KiB"],
		[300 * 1024, "300 KiB"],
		[8 * 1024 * 1024, "8 MiB"],
		[9.5 * 1024 * 1024, "9.5 MiB"],
		[3_812 * 1024 * 1024 + 400_000, "3812.4 MiB"],
	])("writes %d bytes as %s", (bytes, text) => {
		expect(formatBytes(bytes)).toBe(text);
	});
});

describe("formatMs", () => {
	it.each([
		[0.4213, "0.42 ms"],
		[12.34, "12.3 ms"],
		[912.4, "912 ms"],
		[1040, "1.04 s"],
		[61_500, "61.50 s"],
		[150_000, "2.5 min"],
	])("writes %d ms as %s", (ms, text) => {
		expect(formatMs(ms)).toBe(text);
	});
});
