/**
 * The panel as a tenant and the operator use it, in Chromium: sign in with a token, see the
 * scripts, open one, roll back through the confirmation and see the live URL serve the previous
 * version, sign out. Every page is checked for page errors, CSP violations and axe-core's serious
 * violations.
 */
import { beforeAll, expect, it } from "vitest";
import { checkPage, harnessForFile, hello, signIn, type Tenant } from "./support.ts";

const harness = harnessForFile();
let acme: Tenant;
let v1: string;
let v2: string;

beforeAll(async () => {
	acme = await harness().tenant("acme");
	v1 = await acme.deploy("hello", hello("v1"));
	v2 = await acme.deploy("hello", hello("v2"));
});

it("signs a tenant in, shows its scripts, rolls back through the confirmation and signs out", async () => {
	const { panel, platform } = harness();
	const { page } = await harness().newPage();

	await page.goto(`${panel}/`);
	await expect.poll(() => new URL(page.url()).pathname).toBe("/sign-in");
	await checkPage(page);
	await signIn(page, panel, acme.token);
	expect(new URL(page.url()).pathname).toBe("/scripts");
	expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Scripts");
	const row = page.getByRole("row", { name: /hello/ });
	expect(await row.textContent()).toContain(v2);
	await checkPage(page);

	await page.getByRole("link", { name: "hello", exact: true }).click();
	await page.waitForURL(`${panel}/scripts/hello`);
	expect(await page.locator(`#deployment-${v2} .live`).textContent()).toBe("live");
	expect(
		await page
			.locator(`#deployment-${v1}`)
			.getByRole("link", { name: platform.urlFor(`${v1}--hello`) })
			.count(),
	).toBe(1);
	expect(await page.locator(`#deployment-${v1} .timeline li`).allTextContents()).toEqual([
		expect.stringContaining("Queued"),
		expect.stringContaining("Built"),
		expect.stringContaining("Loaded"),
		expect.stringContaining("Deployed"),
	]);
	// The live deployment has no rollback button; the earlier one has.
	expect(await page.getByRole("link", { name: `Roll back to ${v2}` }).count()).toBe(0);
	await checkPage(page);

	await page.getByRole("link", { name: `Roll back to ${v1}` }).click();
	await page.waitForURL(`${panel}/scripts/hello/rollback/${v1}`);
	await checkPage(page);
	await page.getByRole("button", { name: `Roll back to ${v1}` }).click();
	await page.waitForURL((url) => url.pathname === "/scripts/hello" && url.searchParams.has("rolled-back"));
	expect(await page.getByRole("status").textContent()).toBe(`Rolled back: ${v1} is live.`);
	expect(await page.locator(`#deployment-${v1} .live`).textContent()).toBe("live");
	await checkPage(page);

	// The live URL, in the same browser, now serves the previous version.
	const live = await harness().newPage();
	await live.page.goto(platform.urlFor("hello"));
	expect(await live.page.textContent("body")).toBe("v1");

	await page.getByRole("button", { name: "Sign out" }).click();
	await page.waitForURL((url) => url.pathname === "/sign-in");
	expect(await page.getByRole("status").textContent()).toBe("Signed out.");
	await checkPage(page);
	// The session is gone on the server: its pages send the browser back to sign in.
	await page.goto(`${panel}/scripts`);
	expect(new URL(page.url()).pathname).toBe("/sign-in");
});

it("signs the operator in with the admin token and refuses a token the API does not take", async () => {
	const { panel, platform } = harness();
	const { page } = await harness().newPage();
	await signIn(page, panel, platform.adminToken);
	expect(new URL(page.url()).pathname).toBe("/plans");
	expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Plans");
	expect(await page.locator(".who").textContent()).toBe("Operator");
	await checkPage(page);
	// A tenant's pages are not the operator's.
	const scripts = await page.goto(`${panel}/scripts`);
	expect(scripts?.status()).toBe(404);

	const other = await harness().newPage();
	await other.page.goto(`${panel}/sign-in`);
	await other.page.getByLabel("API token").fill("ferry_not-a-real-token");
	await other.page.getByRole("button", { name: "Sign in" }).click();
	await other.page.waitForLoadState();
	expect(await other.page.getByRole("alert").textContent()).toContain("That token is not valid");
	expect(new URL(other.page.url()).pathname).toBe("/sign-in");
	await checkPage(other.page);
});
