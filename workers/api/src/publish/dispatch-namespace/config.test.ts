import { describe, expect, it } from "vitest";
import { CLOUDFLARE_API_URL, cloudflareConfig } from "./config";

const complete = { CLOUDFLARE_ACCOUNT_ID: "acc", DISPATCH_NAMESPACE: "ferry-tenants", CLOUDFLARE_API_TOKEN: "tok" };

describe("cloudflareConfig", () => {
	it("talks to Cloudflare's API unless CLOUDFLARE_API_URL says otherwise", () => {
		expect(CLOUDFLARE_API_URL).toBe("https://api.cloudflare.com/client/v4");
		expect(cloudflareConfig(complete)).toEqual({
			apiUrl: CLOUDFLARE_API_URL,
			accountId: "acc",
			namespace: "ferry-tenants",
			apiToken: "tok",
		});
		expect(cloudflareConfig({ ...complete, CLOUDFLARE_API_URL: "" }).apiUrl).toBe(CLOUDFLARE_API_URL);
		expect(cloudflareConfig({ ...complete, CLOUDFLARE_API_URL: "http://127.0.0.1:9/client/v4/" }).apiUrl).toBe(
			"http://127.0.0.1:9/client/v4",
		);
	});

	it("names every missing setting instead of uploading nowhere", () => {
		expect(() => cloudflareConfig({ DISPATCH_NAMESPACE: "ns" })).toThrow(
			"RUNTIME is 'dispatch-namespace' but CLOUDFLARE_ACCOUNT_ID, CLOUDFLARE_API_TOKEN are not set",
		);
		expect(() => cloudflareConfig({ ...complete, CLOUDFLARE_API_TOKEN: "" })).toThrow("CLOUDFLARE_API_TOKEN is not set");
	});
});
