/**
 * Tenant failures as the dispatch namespace reports them, through the stand-in namespace
 * (./dispatch-namespace.ts) and the real dispatcher: a script the namespace does not hold answers the
 * 404 page, a tenant over its CPU limit its 5xx page; neither is the platform's 503, and repeating the
 * request costs no D1 read.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { hello, uniqueName } from "../platform";
import { captureLogs, cloudflareTestPlatform } from "./support";

/** The dispatcher's D1, counting the statements it prepares. */
function countedDb() {
	let prepared = 0;
	const db = new Proxy(env.DB, {
		get(target, property) {
			if (property === "prepare")
				return (query: string) => {
					prepared++;
					return target.prepare(query);
				};
			const value = Reflect.get(target, property);
			return typeof value === "function" ? value.bind(target) : value;
		},
	});
	return { db, reads: () => prepared };
}

describe("a namespace without the routed script", () => {
	it("answers the 404 page when the script was deleted and this dispatcher isolate had not heard (Worker not found)", async () => {
		// On Cloudflare the API reaches one dispatcher isolate; this one stands for the others.
		const { p, deploy } = cloudflareTestPlatform({ routeControl: { refresh: async () => {} } });
		const tenant = await p.newTenant();
		const name = uniqueName("cf");
		expect((await deploy(tenant.token, name, hello("soon gone"))).status).toBe(200);
		expect(await (await p.visit(`${name}.localhost`)).text()).toBe("soon gone"); // route now cached here
		expect((await p.api(`/v1/scripts/${name}`, { method: "DELETE", token: tenant.token })).status).toBe(200);
		const res = await p.visit(`${name}.localhost`);
		expect(res.status).toBe(404);
		expect(await res.text()).toContain("No script is deployed at this address");
	});

	it("answers 404 when the route still points at a script the namespace lost, tells the operator once, and reads D1 no more", async () => {
		const { db, reads } = countedDb();
		const { p, cloudflare, liveScript } = cloudflareTestPlatform({ dispatchDb: db });
		const { name, first } = await liveScript(hello("v1"));
		expect(await (await p.visit(`${name}.localhost`)).text()).toBe("v1");
		const { url, accountId, namespace, apiToken } = cloudflare.info;
		// Removed behind Ferry's back (by hand, in the dashboard).
		await fetch(`${url}/accounts/${accountId}/workers/dispatch/namespaces/${namespace}/scripts/${first.id}`, {
			method: "DELETE",
			headers: { authorization: `Bearer ${apiToken}` },
		});
		const errors = captureLogs("error");
		const lost = await p.visit(`${name}.localhost`, "/", { headers: { "cf-ray": "ray-lost" } });
		expect(lost.status).toBe(404);
		expect(errors()).toEqual([
			expect.objectContaining({
				message: "the dispatch namespace does not hold a routed deployment",
				requestId: "ray-lost",
				deploymentId: first.id,
			}),
		]);
		const readsBefore = reads();
		for (let i = 0; i < 5; i++) expect((await p.visit(`${name}.localhost`)).status).toBe(404);
		expect(reads()).toBe(readsBefore);
		expect(errors()).toHaveLength(1);
	});
});

describe("a tenant over its CPU limit", () => {
	it("gets the tenant's 5xx page and a warning, never the platform's 503, and costs no D1 read however often it happens", async () => {
		const { db, reads } = countedDb();
		const { p, liveScript } = cloudflareTestPlatform({ dispatchDb: db });
		const { name, first } = await liveScript(hello("busy"));
		expect(await (await p.visit(`${name}.localhost`)).text()).toBe("busy");
		p.namespace.overCpu.add(first.id);
		const warnings = captureLogs("warn");
		const errors = captureLogs("error");
		const readsBefore = reads();
		for (let i = 0; i < 5; i++) {
			const res = await p.visit(`${name}.localhost`, "/", { headers: { "cf-ray": `ray-cpu-${i}` } });
			expect(res.status).toBe(500);
			expect(await res.text()).toContain(`ray-cpu-${i}`);
		}
		expect(reads()).toBe(readsBefore);
		expect(errors()).toEqual([]);
		expect(warnings().filter((l) => l.message === "tenant script exceeded its CPU limit")).toHaveLength(5);
		expect(warnings()[0]).toMatchObject({ deploymentId: first.id, requestId: "ray-cpu-0" });
	});
});
