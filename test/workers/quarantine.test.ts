/**
 * Quarantine as the API and the dispatcher carry it (the local supervisor that calls it is tested with
 * real processes in test/reliability/): the deployment a label routes to is quarantined in the deploy
 * store, its requests answer the 503 page without running its code, its history says why, and a
 * redeploy or the end of the cool-down ends it.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { quarantine } from "../../workers/api/src/deploy/store";
import { openDatabase } from "../../workers/shared/db";
import type { RouteControlApi } from "../../workers/shared/runtime/route";
import { api, deploy, hello, json, newTenant, uniqueName, visit } from "./platform";

const quarantines = () => (exports as unknown as { Quarantine: import("../../workers/api/src/quarantine").Quarantine }).Quarantine;

async function deployed(source: string) {
	const tenant = await newTenant();
	const name = uniqueName("q");
	const res = await deploy(tenant.token, name, source);
	if (res.status !== 200) throw new Error(`deploy failed: ${await res.text()}`);
	return { tenant, name, deployment: (await json(res)).deployment as { id: string } };
}

describe("quarantine", () => {
	it("answers the 503 page for every host of the deployment without running its code, and says so in its history", async () => {
		// A handler that counts its runs: a quarantined deployment must not add to the count.
		const { tenant, name, deployment } = await deployed(`let n = 0; export default { fetch: () => new Response("run " + ++n) };`);
		expect(await (await visit(`${name}.localhost`)).text()).toBe("run 1");

		const answer = await quarantines().quarantine({ label: name, reason: "unresponsive" });
		expect(answer).toMatchObject({ deploymentId: deployment.id, scriptName: name });
		expect(answer!.labels.sort()).toEqual([`${deployment.id}--${name}`, name].sort());
		expect(answer!.until).toBeGreaterThan(Date.now() + 14 * 60_000);

		for (const host of [`${name}.localhost`, `${deployment.id}--${name}.localhost`]) {
			const res = await visit(host);
			expect(res.status).toBe(503);
			expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(800);
			expect(await res.text()).toContain("This script exceeded its limits");
		}
		const history = await json(await api(`/v1/scripts/${name}/deployments`, { token: tenant.token }));
		const view = history.deployments[0];
		expect(view).toMatchObject({ id: deployment.id, state: "Deployed", quarantined_until: new Date(answer!.until).toISOString() });
		expect(view.events.at(-1)).toMatchObject({ from: "Deployed", to: "Deployed" });
		expect(view.events.at(-1).message).toMatch(/^quarantined: exceeded its limits \(.*endless loop.*\); its requests answer 503 until /);

		// The next deploy serves again (its deployment is not quarantined); the old preview stays paused.
		await deploy(tenant.token, name, `export default { fetch: () => new Response("fixed") };`);
		expect(await (await visit(`${name}.localhost`)).text()).toBe("fixed");
		expect((await visit(`${deployment.id}--${name}.localhost`)).status).toBe(503);
	});

	it("ends by itself once the cool-down passes", async () => {
		const { name, deployment } = await deployed(hello("back"));
		await quarantine(openDatabase(env.DB), deployment.id, Date.now() + 300, "quarantined: test");
		await (env.ROUTES as unknown as RouteControlApi).refresh([name]);
		expect((await visit(`${name}.localhost`)).status).toBe(503);
		await expect.poll(async () => (await visit(`${name}.localhost`)).status, { timeout: 5_000, interval: 50 }).toBe(200);
	});

	it("quarantines nothing for a label without a route, nor a deployment no longer Deployed", async () => {
		expect(await quarantines().quarantine({ label: uniqueName("none"), reason: "crashed" })).toBeNull();
		const { tenant, name, deployment } = await deployed(hello("gone"));
		await api(`/v1/scripts/${name}`, { method: "DELETE", token: tenant.token });
		expect(await quarantine(openDatabase(env.DB), deployment.id, Date.now() + 60_000, "quarantined: test")).toBe(false);
	});
});
