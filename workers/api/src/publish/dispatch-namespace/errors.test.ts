import { describe, expect, it } from "vitest";
import { CloudflareApiError } from "./api";
import { faultOf, isScriptGone } from "./errors";

const e = (code: number) => ({ code, message: "m" });

describe("Cloudflare's error codes", () => {
	it("say whose fault a refusal is, whatever the status", () => {
		expect(faultOf(400, [e(10021)])).toBe("code");
		expect(faultOf(400, [e(10054)])).toBe("code");
		expect(faultOf(403, [e(10015)])).toBe("platform");
		expect(faultOf(400, [e(10075)])).toBe("platform");
		expect(faultOf(409, [e(10035)])).toBe("transient");
		expect(faultOf(429, [e(971)])).toBe("transient");
		// The first code the table knows decides.
		expect(faultOf(400, [e(123456), e(10068)])).toBe("code");
	});

	it("fall back on the status for a code the table does not know: 429 and 5xx are transient, the rest the platform's", () => {
		expect([0, 429, 500, 503].map((status) => faultOf(status, [e(999999)]))).toEqual(["transient", "transient", "transient", "transient"]);
		expect([400, 401, 403, 404, 413].map((status) => faultOf(status, []))).toEqual([
			"platform",
			"platform",
			"platform",
			"platform",
			"platform",
		]);
	});

	it("count a 404 as 'already gone' only when Cloudflare says the Worker does not exist (10007)", () => {
		expect(isScriptGone(new CloudflareApiError(404, [e(10007)], 1))).toBe(true);
		expect(isScriptGone(new CloudflareApiError(404, [e(7003)], 1))).toBe(false);
		expect(isScriptGone(new CloudflareApiError(404, [e(100119)], 1))).toBe(false);
		expect(isScriptGone(new CloudflareApiError(400, [e(10007)], 1))).toBe(false);
	});
});
