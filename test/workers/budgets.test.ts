/**
 * Monthly budgets (docs/limits.md, "Budgets"): a plan's `requests` and `cpu_ms` budgets, counted over
 * all of a tenant's scripts by the telemetry rollups; the minute's budget check stops a tenant past
 * one (its scripts answer the 429 page that says why, its crons do not run), GET /v1/usage shows how
 * close each tenant is, and a plan change restores service at once.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { dueJobs } from "../../workers/shared/schedules/d1";
import { ADMIN, api, deploy, json, newTenant, uniqueName, visit } from "./platform";

/** Telemetry reaches the rollups after the response: on a loaded machine, seconds. */
const POLL = { timeout: 20_000, interval: 100 };

let plans = 0;
const planName = () => `budget-${Date.now().toString(36)}-${plans++}`;

const putPlan = (name: string, body: Record<string, unknown>) =>
	api(`/v1/plans/${name}`, { method: "PUT", token: ADMIN, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

const setPlan = (tenantId: string, plan: string) =>
	api(`/v1/tenants/${tenantId}/plan`, {
		method: "PUT",
		token: ADMIN,
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ plan }),
	});

/** The minute's budget check, as the API Worker's cron (production) and the local minute tick run it. */
const checkBudgets = () => (exports.default as unknown as { checkBudgets(now: number): Promise<string[]> }).checkBudgets(Date.now());

const usage = async (token: string) => json(await api("/v1/usage", { token }));

const withCron = (text: string) => `export default { fetch() { return new Response(${JSON.stringify(text)}); }, scheduled() {} };`;

/** A tenant on a fresh plan with `budgets`, with two live scripts. */
async function budgeted(budgets: Record<string, number>) {
	const plan = planName();
	expect((await putPlan(plan, { cpu_ms: 50, sub_requests: 50, ...budgets })).status).toBe(200);
	const t = await newTenant();
	expect((await setPlan(t.id, plan)).status).toBe(200);
	const [a, b] = [uniqueName("bud"), uniqueName("bud")];
	const first = await json(await deploy(t.token, a, withCron("a"), { schedules: [{ cron: "* * * * *" }] }));
	await deploy(t.token, b, withCron("b"));
	return { plan, t, a, b, deployment: first.deployment.id as string };
}

describe("a plan's monthly requests budget", () => {
	it("stops the tenant's scripts with a 429 page saying why once used up, shows it in /v1/usage, and a plan change restores them", async () => {
		const { plan, t, a, b, deployment } = await budgeted({ requests_budget: 3 });
		const bystander = await newTenant();
		const other = uniqueName("bud");
		await deploy(bystander.token, other, withCron("other"));

		// Under the budget: served, and the check stops nobody.
		for (const [script, text] of [
			[a, "a"],
			[b, "b"],
		] as const)
			expect(await (await visit(`${script}.localhost`)).text()).toBe(text);
		await expect.poll(async () => (await usage(t.token)).totals.requests, POLL).toBe(2);
		expect(await checkBudgets()).not.toContain(t.id);
		expect((await usage(t.token)).budget).toEqual({ requests: { used: 2, budget: 3 }, cpu_ms: null, exceeded: null });

		// Requests until the check stops the tenant: every script of the tenant (two scripts count as one budget).
		// How many get through past the budget is how late the check is (telemetry's delay, here none: the check runs in the loop).
		let served = 2;
		let page!: Response;
		let pageText = "";
		await expect
			.poll(async () => {
				page = await visit(`${served % 2 ? a : b}.localhost`);
				// Read whole: an invocation ends (and its record leaves for telemetry) only once its body is consumed.
				pageText = await page.text();
				if (page.status === 200) served++;
				await checkBudgets();
				return page.status;
			}, POLL)
			.toBe(429);
		expect(served).toBeGreaterThanOrEqual(3);
		const month = new Date().toISOString().slice(0, 7);
		expect(pageText).toContain("This script is over its monthly budget");
		expect(pageText).toContain(`used its plan's monthly budget of 3 requests for ${month}`);
		expect(pageText).toContain("at the start of next month (UTC), or as soon as its plan changes");
		expect(pageText).toContain(page.headers.get("x-ferry-request-id")!);
		const nextMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 1)).getTime();
		expect(Number(page.headers.get("retry-after"))).toBeCloseTo((nextMonth - Date.now()) / 1000, -2);
		expect((await visit(`${a}.localhost`)).status).toBe(429);
		expect((await visit(`${deployment}--${a}.localhost`)).status).toBe(429);
		// Its crons do not run either; another tenant's script is untouched.
		expect((await dueJobs(env.DB, Date.now())).map((job) => job.target.scriptName)).not.toContain(a);
		expect(await (await visit(`${other}.localhost`)).text()).toBe("other");

		// The refused requests ran no tenant code: only the served ones are counted.
		await expect.poll(async () => (await usage(t.token)).totals.requests, POLL).toBe(served);
		const stopped = await usage(t.token);
		expect(stopped.budget).toEqual({ requests: { used: served, budget: 3 }, cpu_ms: null, exceeded: "requests" });
		const all = await usage(ADMIN);
		const line = (id: string) => all.tenants.find((entry: { tenant: { id: string } }) => entry.tenant.id === id);
		expect(line(t.id).budget.exceeded).toBe("requests");
		expect(line(bystander.id).budget).toEqual({ requests: null, cpu_ms: null, exceeded: null });

		// The stop is one of the tenant's events (GET /v1/events, ferry events), of the whole tenant; the bystander has none.
		const events = async (token: string, type: string) => (await json(await api(`/v1/events?type=${type}`, { token }))).events;
		const [exceeded, ...more] = await events(t.token, "budget_exceeded");
		expect(more).toEqual([]);
		expect(exceeded).toMatchObject({
			type: "budget_exceeded",
			script: "",
			deployment_id: null,
			detail: { budget: "requests", allowed: "3", month },
		});
		// What the check saw used: at least the budget, at most what was served (the last records may not have been stored yet).
		expect(Number(exceeded.detail.used)).toBeGreaterThanOrEqual(3);
		expect(Number(exceeded.detail.used)).toBeLessThanOrEqual(served);
		expect(await events(bystander.token, "budget_exceeded")).toEqual([]);

		// A bigger budget on the plan: served again as soon as the PUT answers, and the next check leaves it.
		const raised = await json(await putPlan(plan, { cpu_ms: 50, sub_requests: 50, requests_budget: 1000 }));
		expect(raised.plan).toMatchObject({ name: plan, requests_budget: 1000, cpu_ms_budget: null });
		expect(await (await visit(`${a}.localhost`)).text()).toBe("a");
		expect(await checkBudgets()).not.toContain(t.id);
		expect(await (await visit(`${b}.localhost`)).text()).toBe("b");
		expect((await usage(t.token)).budget.exceeded).toBeNull();
		expect(await events(t.token, "budget_lifted")).toEqual([
			expect.objectContaining({ script: "", detail: { budget: "requests", month, reason: "plan_changed" } }),
		]);

		// Back to 3 (used up again), then the tenant moves to another plan: served again at once.
		await putPlan(plan, { cpu_ms: 50, sub_requests: 50, requests_budget: 3 });
		expect(await checkBudgets()).toContain(t.id);
		expect((await visit(`${a}.localhost`)).status).toBe(429);
		expect((await setPlan(t.id, "free")).status).toBe(200);
		expect(await (await visit(`${a}.localhost`)).text()).toBe("a");
	}, 60_000);
});

describe("a plan's monthly CPU budget", () => {
	it("stops the tenant once its scripts' CPU time this month reaches it, naming the milliseconds", async () => {
		const { t, a, deployment } = await budgeted({ cpu_ms_budget: 40, requests_budget: 1_000_000 });
		// CPU time as the runtime reports it (locally workerd reports none): records as the collector hands them over.
		const scriptId = (await env.DB.prepare("SELECT id FROM scripts WHERE name = ?").bind(a).first<{ id: string }>())!.id;
		const namespace = (env as unknown as TelemetryEnv).SCRIPT_TELEMETRY;
		const store = namespace.get(namespace.idFromName(scriptId));
		const record = (cpu: number) => ({
			time: new Date().toISOString(),
			script: a,
			deployment_id: deployment,
			request_id: null,
			event: "fetch" as const,
			method: "GET",
			path: "/",
			cron: null,
			status: 200,
			outcome: "ok" as const,
			wall_ms: cpu,
			cpu_ms: cpu,
			logs: [],
			logs_dropped: 0,
			logs_truncated: false,
			exception: null,
		});
		await store.append([record(25)]);
		expect(await checkBudgets()).not.toContain(t.id);
		expect((await usage(t.token)).budget.cpu_ms).toEqual({ used: 25, budget: 40 });
		await store.append([record(15)]);
		expect(await checkBudgets()).toContain(t.id);
		const page = await visit(`${a}.localhost`);
		expect(page.status).toBe(429);
		expect(await page.text()).toContain("monthly budget of 40 ms of CPU time");
		expect((await usage(t.token)).budget).toMatchObject({ cpu_ms: { used: 40, budget: 40 }, exceeded: "cpu_ms" });
	}, 30_000);
});

describe("PUT /v1/plans/:name with budgets", () => {
	it("refuses budgets that are not positive integers, naming the field, and takes null as none", async () => {
		for (const [field, value] of [
			["requests_budget", 0],
			["requests_budget", -5],
			["cpu_ms_budget", 1.5],
			["cpu_ms_budget", "lots"],
		] as const) {
			const res = await putPlan(planName(), { cpu_ms: 50, sub_requests: 50, [field]: value });
			expect(res.status, `${field}=${value}`).toBe(400);
			const body = await json(res);
			expect(body.error.code).toBe("invalid_request");
			expect(body.error.message).toContain(field);
		}
		const none = await json(await putPlan(planName(), { cpu_ms: 50, sub_requests: 50, requests_budget: null }));
		expect(none.plan).toMatchObject({ requests_budget: null, cpu_ms_budget: null });
	});
});
