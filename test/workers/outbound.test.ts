/** The production outbound Worker (workers/outbound/src/index.ts) on its own. */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import outbound from "../../workers/outbound/src/index";

const call = (params: Record<string, unknown>) =>
	outbound.fetch(new Request("https://api.example.com/") as Parameters<typeof outbound.fetch>[0], { DB: env.DB, ...params } as OutboundEnv);

describe("the outbound Worker", () => {
	afterEach(() => vi.restoreAllMocks());

	it("refuses, and logs, a subrequest that did not come with the dispatcher's parameters", async () => {
		const errors = vi.spyOn(console, "error").mockImplementation(() => {});
		for (const params of [
			{},
			{ tenantId: "t1" },
			{ deploymentId: "d1" },
			{ tenantId: "", deploymentId: "d1" },
			{ tenantId: 1, deploymentId: "d1" },
		])
			await expect(call(params)).rejects.toThrow("egress denied: this request did not come through the Ferry dispatcher");
		expect(errors).toHaveBeenCalledTimes(5);
	});

	it("applies the tenant's policy when the parameters are there (an empty allow-list: no network)", async () => {
		vi.spyOn(console, "warn").mockImplementation(() => {});
		await expect(call({ tenantId: "no-such-tenant", deploymentId: "d1", requestId: "ray" })).rejects.toThrow(
			/egress denied \(not_allowed\): api\.example\.com/,
		);
	});
});
