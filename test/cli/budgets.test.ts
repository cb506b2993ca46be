/**
 * Monthly budgets end to end on the real local platform (docs/limits.md, "Budgets"): a plan with a
 * tiny requests budget, requests through the edge until the minute tick's budget check stops the
 * tenant (429 and the page's words), `ferry usage` saying so, and a plan change restoring service.
 */
import { expect, it } from "vitest";
import { loopbackFetch } from "../../loopback/index.ts";
import { Cli, newTenant, platform, runMinute, scriptUrl, uniqueName, uploadDirect, visit } from "./support.ts";

const admin = (path: string, method: string, body: unknown) =>
	loopbackFetch(`${platform().apiUrl}${path}`, {
		method,
		headers: { authorization: `Bearer ${platform().adminToken}`, "content-type": "application/json" },
		body: JSON.stringify(body),
	});

it("stops a tenant's scripts with a 429 page once its plan's requests budget is used, and a plan change restores them", async () => {
	const plan = uniqueName("tiny").slice(0, 32);
	expect((await admin(`/v1/plans/${plan}`, "PUT", { cpu_ms: 50, sub_requests: 50, requests_budget: 3 })).status).toBe(200);
	const { name: tenant, token, cli } = await newTenant("budget");
	const operator = new Cli({ FERRY_ADMIN_TOKEN: platform().adminToken });
	const { tenant: created } = await cli.json<{ tenant: { id: string } }>(["whoami"]);
	expect((await admin(`/v1/tenants/${created.id}/plan`, "PUT", { plan })).status).toBe(200);
	const name = uniqueName("bud");
	await uploadDirect(token, name, "within budget");

	// Requests until the tick's check stops the tenant (the minute tick runs it, as the API's cron does in production).
	let served = 0;
	let last = { status: 0, text: "" };
	await expect
		.poll(
			async () => {
				last = await visit(scriptUrl(name));
				if (last.status === 200) served++;
				await runMinute(Date.now());
				return last.status;
			},
			{ timeout: 30_000, interval: 200 },
		)
		.toBe(429);
	expect(served).toBeGreaterThanOrEqual(3);
	expect(last.text).toContain("This script is over its monthly budget");
	expect(last.text).toContain("used its plan's monthly budget of 3 requests");
	expect(last.text).toContain("at the start of next month (UTC), or as soon as its plan changes");

	await expect.poll(async () => (await cli.json(["usage"])).totals.requests, { timeout: 20_000 }).toBe(served);
	expect(await cli.ok(["usage"])).toContain(
		`budget: ${served} of 3 requests (over: requests, 429): your scripts answer 429 until the next month (UTC) or a plan change`,
	);
	expect(await operator.ok(["usage", "--all"])).toMatch(
		new RegExp(`${tenant} +${plan} +1 +${served} .*of 3 requests \\(over: requests, 429\\)`),
	);

	// A bigger budget: served again as soon as the plan's PUT answers, and the next tick leaves it.
	expect((await admin(`/v1/plans/${plan}`, "PUT", { cpu_ms: 50, sub_requests: 50, requests_budget: 1000 })).status).toBe(200);
	expect(await visit(scriptUrl(name))).toEqual({ status: 200, text: "within budget" });
	await runMinute(Date.now());
	expect((await visit(scriptUrl(name))).status).toBe(200);
	expect(await cli.ok(["usage"])).toMatch(/budget \(plan .*\): \d+ of 1000 requests$/m);
});
