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
		]) {
			const res = await call(params);
			expect(res.status).toBe(403);
			expect(res.headers.get("x-ferry-egress-denied")).toBe("unidentified");
			expect(await res.text()).toBe("egress denied (unidentified): this request did not come through the Ferry dispatcher\n");
		}
		expect(errors).toHaveBeenCalledTimes(5);
		expect(errors.mock.calls.every(([line]) => JSON.parse(String(line)).reason === "unidentified")).toBe(true);
	});

	it("applies the tenant's policy when the parameters are there (an empty allow-list: no network)", async () => {
		const warnings = vi.spyOn(console, "warn").mockImplementation(() => {});
		const res = await call({ tenantId: "no-such-tenant", deploymentId: "d1", requestId: "ray" });
		expect(res.status).toBe(403);
		expect(res.headers.get("x-ferry-egress-denied")).toBe("not_allowed");
		expect(await res.text()).toMatch(/^egress denied \(not_allowed\): api\.example\.com/);
		expect(JSON.parse(String(warnings.mock.calls[0]?.[0]))).toMatchObject({
			message: "egress denied",
			reason: "not_allowed",
			requestId: "ray",
		});
	});
});
