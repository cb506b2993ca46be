/**
 * The panel's telemetry pages in Chromium: a request appears in the live log within seconds, a
 * console line of HTML stays text (in the live log and the history), the metrics page draws its
 * charts, the usage page counts the script and the scripts list its last day's requests and errors;
 * each page without page errors or CSP violations.
 */
import { beforeAll, expect, it } from "vitest";
import { loopbackFetch } from "../../loopback/index.ts";
import { axe, checkPage, harnessForFile, hello, screenshot, signIn, type Tenant } from "./support.ts";

const harness = harnessForFile();
let watcher: Tenant;
let flakyV1: string;

const NOISY = `export default {
	fetch(request) {
		console.log("<script>window.__pwned = 1</script>", new URL(request.url).pathname);
		return new Response("ok");
	},
};`;

// Throws for /boom (an error in its metrics), with HTML in the exception's message.
const FLAKY = `export default {
	fetch(request) {
		if (new URL(request.url).pathname === "/boom") throw new Error("<b id=exc>boom</b>");
		return new Response("fine");
	},
};`;

beforeAll(async () => {
	watcher = await harness().tenant("watcher");
	[, flakyV1] = await Promise.all([watcher.deploy("noisy", NOISY), watcher.deploy("flaky", FLAKY)]);
});

it("shows a request in the live log within seconds, with its console line as text; then the history, metrics and usage", async () => {
	const { panel, platform } = harness();
	const { page } = await harness().newPage();
	await signIn(page, panel, watcher.token);
	await page.goto(`${panel}/scripts/noisy/logs`);
	await expect.poll(() => page.locator("#live-status").textContent()).toContain("Live:");

	const response = await loopbackFetch(`${platform.urlFor("noisy")}live-one`);
	expect(await response.text()).toBe("ok");
	await expect.poll(() => page.locator("#live-log li").count(), { timeout: 5_000 }).toBeGreaterThan(0);
	const entry = await page.locator("#live-log li").first().textContent();
	expect(entry).toContain("GET /live-one");
	expect(entry).toContain("<script>window.__pwned = 1</script> /live-one");
	expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
	await checkPage(page);
	await axe(page);
	await screenshot(page, "logs");

	await page.reload();
	await expect.poll(() => page.getByRole("list", { name: "Recent invocations" }).textContent()).toContain("/live-one");
	expect(await page.getByRole("list", { name: "Recent invocations" }).textContent()).toContain("<script>window.__pwned = 1</script>");
	expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
	await checkPage(page);

	await page.goto(`${panel}/scripts/noisy/metrics`);
	// One deployment ran: the two charts of the whole script, no per-deployment ones.
	expect(await page.locator("figure.chart > svg").count()).toBe(2);
	expect(await page.locator("figure.chart svg polyline").count()).toBeGreaterThan(0);
	// Every line is drawn, the wall time's one step with a value (a dot) too: at least two points each.
	expect(await page.locator("figure.chart").nth(1).locator("polyline").count()).toBeGreaterThan(0);
	for (const line of await page.locator("figure.chart svg polyline").all())
		expect((await line.getAttribute("points"))!.split(" ").length).toBeGreaterThanOrEqual(2);
	expect(await page.getByRole("table").textContent()).toMatch(/\d+/);
	await checkPage(page);
	await axe(page);

	await page.goto(`${panel}/usage`);
	expect(await page.getByRole("row", { name: /noisy/ }).textContent()).toMatch(/noisy\s*\d+/);
	// Plans have no monthly budgets (yet): the page says so rather than show a limit that is not there.
	expect(await page.locator("#budget").textContent()).toBe(
		"Your plan, free, sets no monthly budget: requests and CPU time are counted, never capped.",
	);
	await checkPage(page);
	await axe(page);
	await screenshot(page, "usage");
});

it("lists each script's requests and error rate over the last 24 hours", async () => {
	const { panel, platform } = harness();
	for (const path of ["ok", "boom", "ok", "ok"]) await loopbackFetch(`${platform.urlFor("flaky")}${path}`);
	const { page } = await harness().newPage();
	await signIn(page, panel, watcher.token);
	const cells = () => page.getByRole("row", { name: /flaky/ }).getByRole("cell").allTextContents();
	// The rollups count an invocation once its record is stored: the page shows it within moments.
	await expect
		.poll(async () => {
			await page.goto(`${panel}/scripts`);
			return (await cells()).slice(2, 4);
		})
		.toEqual(["4", "25 % (1)"]);
	expect(await page.getByRole("columnheader").allTextContents()).toEqual([
		"Script",
		"Live deployment",
		"URL",
		"Requests (24 h)",
		"Errors (24 h)",
		"Last deploy",
	]);
	expect((await cells())[4]).toMatch(/^Deployed \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
	await checkPage(page);

	// The exception in the history, filtered by status: its message as text.
	await page.goto(`${panel}/scripts/flaky/logs?status=error`);
	const history = page.getByRole("list", { name: "Recent invocations" });
	expect(await history.locator("li").count()).toBe(1);
	expect(await history.textContent()).toContain("Error: <b id=exc>boom</b>");
	expect(await page.locator("#exc").count()).toBe(0);
	await checkPage(page);

	// A second deployment: the metrics draw requests and errors per deployment, each with its key.
	const second = await watcher.deploy("flaky", FLAKY);
	for (const path of ["ok", "boom"]) await loopbackFetch(`${platform.urlFor("flaky")}${path}`);
	await expect
		.poll(async () => {
			await page.goto(`${panel}/scripts/flaky/metrics`);
			return page.locator("figure.chart").count();
		})
		.toBe(4);
	for (const title of ["Requests by deployment", "Errors by deployment"]) {
		const figure = page.locator("figure.chart", { hasText: title });
		expect(await figure.locator(".key").allTextContents()).toEqual([expect.stringContaining(flakyV1), expect.stringContaining(second)]);
		expect(await figure.locator("polyline").count()).toBe(2);
	}
	await checkPage(page);
	await axe(page);
	await screenshot(page, "metrics");
});

it("shows the operator every tenant's usage this month", async () => {
	const { panel, platform } = harness();
	const { page } = await harness().newPage();
	await signIn(page, panel, platform.adminToken);
	await page.goto(`${panel}/usage`);
	await expect.poll(() => page.getByRole("row", { name: /watcher/ }).count()).toBe(1);
	expect(await page.getByRole("row", { name: /watcher/ }).textContent()).toMatch(/watcher\s*\S+\s*2/);
	await checkPage(page);
	await axe(page);
	await screenshot(page, "all-usage");
});

it("shows a tenant its use against its plan's monthly budget, and the operator every tenant's, through a stop and its lifting", async () => {
	const { panel, platform } = harness();
	const spender = await harness().tenant("spender");
	await spender.deploy("spendy", hello("spent"));
	const operator = (await harness().newPage()).page;
	await signIn(operator, panel, platform.adminToken);
	const savePlan = async (requests: string) => {
		await operator.goto(`${panel}/plans`);
		await operator.getByLabel("Name (a-z, 0-9 and -)").fill("metered");
		await operator.getByLabel("CPU per request (ms)").fill("50");
		await operator.getByLabel("Subrequests per request").fill("50");
		await operator.getByLabel(/^Requests per month/).fill(requests);
		await operator.getByRole("button", { name: "Save plan" }).click();
		await operator.waitForURL(`${panel}/plans?saved=metered`);
	};
	await savePlan("3");
	await operator.goto(`${panel}/tenants`);
	await operator.getByRole("link", { name: "spender" }).click();
	await operator.getByLabel("Plan", { exact: true }).fill("metered");
	await operator.getByRole("button", { name: "Set plan" }).click();
	await operator.waitForURL((url) => url.searchParams.has("plan"));

	for (let i = 0; i < 3; i++) expect(await (await loopbackFetch(platform.urlFor("spendy"))).text()).toBe("spent");
	const { page } = await harness().newPage();
	await signIn(page, panel, spender.token);
	await expect
		.poll(async () => {
			await page.goto(`${panel}/usage`);
			return page.locator("#budget").textContent();
		})
		.toBe("Your plan, metered, sets a monthly budget: used 3 of 3 requests.");
	expect(await page.getByRole("meter", { name: "Requests used of the budget" }).getAttribute("value")).toBe("3");
	expect(await page.locator(".budgets dd").textContent()).toContain("3 of 3 (100 %)");

	// The minute's budget check stops the tenant: its scripts answer 429, and its usage page says why.
	await platform.runMinute(Date.now());
	expect((await loopbackFetch(platform.urlFor("spendy"))).status).toBe(429);
	await page.reload();
	expect(await page.getByRole("alert").textContent()).toContain(
		"Your scripts are over the requests budget: they answer 429 until the next month (UTC) or a plan change.",
	);
	await checkPage(page);
	await axe(page);
	await screenshot(page, "usage-budget");
	await operator.goto(`${panel}/usage`);
	expect(await operator.getByRole("row", { name: /spender/ }).textContent()).toContain("3 of 3 requests (over: requests, 429)");
	await checkPage(operator);

	// A larger budget, saved in the panel, lifts the stop at once.
	await savePlan("10");
	expect(await (await loopbackFetch(platform.urlFor("spendy"))).text()).toBe("spent");
	// That request was served, so it counts: the page shows it once its record is stored.
	await expect
		.poll(async () => {
			await page.reload();
			return page.locator("#budget").textContent();
		})
		.toBe("Your plan, metered, sets a monthly budget: used 4 of 10 requests.");
});

it("answers another tenant's script with the not-found page", async () => {
	const { panel } = harness();
	const other = await harness().tenant("other");
	const { page } = await harness().newPage();
	await signIn(page, panel, other.token);
	for (const path of ["logs", "metrics", "logs/live"]) {
		const answer = await page.goto(`${panel}/scripts/noisy/${path}`);
		expect(answer?.status(), path).toBe(404);
	}
});
