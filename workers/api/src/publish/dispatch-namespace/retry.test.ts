import { describe, expect, it } from "vitest";
import { backoffMs, DEFAULT_RETRY_POLICY, retryAfterMs } from "./retry";

describe("retry policy", () => {
	it("reads Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3)", () => {
		const now = Date.parse("2026-11-24T00:00:00Z");
		expect(retryAfterMs("7", now)).toBe(7_000);
		expect(retryAfterMs(" 0 ", now)).toBe(0);
		expect(retryAfterMs("Tue, 24 Nov 2026 00:00:30 GMT", now)).toBe(30_000);
		expect(retryAfterMs("Mon, 23 Nov 2026 23:00:00 GMT", now)).toBe(0);
		expect(retryAfterMs(null, now)).toBeUndefined();
		expect(retryAfterMs("soon", now)).toBeUndefined();
		expect(retryAfterMs("-5", now)).toBeUndefined();
	});

	it("waits what the API asked for, else full jitter under a doubling ceiling capped at maxDelayMs", () => {
		expect(backoffMs(DEFAULT_RETRY_POLICY, 1, 12_000, () => 0.5)).toBe(12_000);
		expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffMs(DEFAULT_RETRY_POLICY, attempt, undefined, () => 1))).toEqual([
			500, 1_000, 2_000, 4_000, 8_000, 8_000,
		]);
		expect(backoffMs(DEFAULT_RETRY_POLICY, 3, undefined, () => 0)).toBe(0);
	});
});
