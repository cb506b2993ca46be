/**
 * The panel as a tenant and the operator use it, in Chromium: sign in with a token, see the
 * scripts, open one, roll back through the confirmation and see the live URL serve the previous
 * version, sign out. Every page is checked for page errors, CSP violations and axe-core's serious
 * violations.
 */
import type { Page } from "playwright-core";
import { beforeAll, expect, it } from "vitest";
import { loopbackFetch } from "../../loopback/index.ts";
import { checkPage, harnessForFile, hello, screenshot, signIn, type Tenant } from "./support.ts";

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
	await screenshot(page, "sign-in");
	await signIn(page, panel, acme.token);
	expect(new URL(page.url()).pathname).toBe("/scripts");
	await screenshot(page, "scripts");
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
	await screenshot(page, "script");

	await page.getByRole("link", { name: `Roll back to ${v1}` }).click();
	await page.waitForURL(`${panel}/scripts/hello/rollback/${v1}`);
	await checkPage(page);
	await screenshot(page, "rollback");
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

it("creates a token shown once, revokes it, and its session and the API then refuse it", async () => {
	const { panel, platform } = harness();
	const { page } = await harness().newPage();
	await signIn(page, panel, acme.token);
	await page.getByRole("link", { name: "Tokens" }).click();
	await page.waitForURL(`${panel}/tokens`);
	await checkPage(page);
	await page.getByLabel("Name").fill("ci");
	await page.getByRole("button", { name: "Create token" }).click();
	await page.waitForURL(`${panel}/tokens`);
	const secret = (await page.locator("#issued-token").textContent())!;
	expect(secret).toMatch(/^ferry_/);
	await checkPage(page);
	await screenshot(page, "token-created");
	// Shown once: the list never has it again.
	await page.goto(`${panel}/tokens`);
	expect(await page.content()).not.toContain(secret);
	await screenshot(page, "tokens");

	// A second browser signs in with the new token.
	const ci = await harness().newPage();
	await signIn(ci.page, panel, secret);
	expect(new URL(ci.page.url()).pathname).toBe("/scripts");

	const row = page.locator("tr", { has: page.getByRole("rowheader", { name: "ci", exact: true }) });
	await row.getByRole("link", { name: /^Revoke ci/ }).click();
	await page.waitForURL(/\/tokens\/\w+\/revoke$/);
	await checkPage(page);
	await page.getByRole("button", { name: "Revoke ci" }).click();
	await page.waitForURL((url) => url.pathname === "/tokens" && url.searchParams.has("revoked"));
	expect(await row.textContent()).toContain("revoked");

	// Refused everywhere from now on: the other browser's session, the API, and a new sign-in.
	await ci.page.goto(`${panel}/scripts`);
	expect(new URL(ci.page.url()).pathname).toBe("/sign-in");
	expect(await ci.page.getByRole("status").textContent()).toBe("Your session ended: sign in again.");
	const whoami = await loopbackFetch(`${platform.apiUrl}/v1/whoami`, { headers: { authorization: `Bearer ${secret}` } });
	expect(whoami.status).toBe(401);
	await ci.page.getByLabel("API token").fill(secret);
	await ci.page.getByRole("button", { name: "Sign in" }).click();
	await ci.page.waitForLoadState();
	expect(await ci.page.getByRole("alert").textContent()).toContain("That token is not valid");
});

it("lets the operator create a tenant, set its plan and egress allow-list, and define plans", async () => {
	const { panel, platform } = harness();
	const { page } = await harness().newPage();
	await signIn(page, panel, platform.adminToken);
	expect(new URL(page.url()).pathname).toBe("/tenants");
	expect(await page.locator(".who").textContent()).toBe("Operator");
	expect(await page.getByRole("row", { name: /acme/ }).count()).toBe(1);
	await checkPage(page);
	// A tenant's pages are not the operator's.
	expect((await page.goto(`${panel}/scripts`))?.status()).toBe(404);

	await page.goto(`${panel}/tenants`);
	await page.getByLabel("Name (a-z, 0-9 and -)").fill("globex");
	await page.getByRole("button", { name: "Create tenant" }).click();
	await page.waitForURL(`${panel}/tenants`);
	const token = (await page.locator("#issued-token").textContent())!;
	const whoami = await loopbackFetch(`${platform.apiUrl}/v1/whoami`, { headers: { authorization: `Bearer ${token}` } });
	expect(((await whoami.json()) as { tenant: { name: string } }).tenant.name).toBe("globex");
	await checkPage(page);

	await page.goto(`${panel}/plans`);
	await page.getByLabel("Name (a-z, 0-9 and -)").fill("pro");
	await page.getByLabel("CPU per request (ms)").fill("120");
	await page.getByLabel("Subrequests per request").fill("40");
	await page.getByRole("button", { name: "Save plan" }).click();
	await page.waitForURL(`${panel}/plans?saved=pro`);
	expect(await page.getByRole("row", { name: /pro/ }).textContent()).toContain("120 ms");
	await checkPage(page);
	await screenshot(page, "plans");

	await page.goto(`${panel}/tenants`);
	await page.getByRole("link", { name: "globex" }).click();
	await page.getByLabel("Plan", { exact: true }).fill("pro");
	await page.getByRole("button", { name: "Set plan" }).click();
	await page.waitForURL((url) => url.searchParams.has("plan"));
	expect(await page.getByRole("status").textContent()).toBe("Plan saved.");
	expect(await page.locator("dd", { hasText: "ms CPU" }).textContent()).toBe("120 ms CPU, 40 subrequests (plan pro)");

	await page.getByLabel(/Hosts its code may reach/).fill("api.example.com\n*.example.net");
	await page.getByRole("button", { name: "Save allow-list" }).click();
	await page.waitForURL((url) => url.searchParams.has("egress"));
	expect(await page.getByLabel(/Hosts its code may reach/).inputValue()).toBe("*.example.net\napi.example.com");
	await checkPage(page);
	await screenshot(page, "tenant");

	// The API's refusal, as a page.
	await page.getByLabel(/Hosts its code may reach/).fill("localhost");
	await page.getByRole("button", { name: "Save allow-list" }).click();
	await page.waitForLoadState();
	expect(await page.getByRole("alert").textContent()).toContain("'localhost'");
	await checkPage(page);
});

it("refuses a token the API does not take", async () => {
	const { panel } = harness();
	const other = await harness().newPage();
	await other.page.goto(`${panel}/sign-in`);
	await other.page.getByLabel("API token").fill("ferry_not-a-real-token");
	await other.page.getByRole("button", { name: "Sign in" }).click();
	await other.page.waitForLoadState();
	expect(await other.page.getByRole("alert").textContent()).toContain("That token is not valid");
	expect(new URL(other.page.url()).pathname).toBe("/sign-in");
	await checkPage(other.page);
});

/** The focused element, as "tag text" (an input: "input #id"), and whether its focus is drawn (the panel's outline). */
const FOCUSED = `(() => {
	const el = document.activeElement;
	if (!el || el === document.body) return { what: "", outline: "none" };
	const text = el.tagName === "INPUT" ? "#" + el.id : (el.textContent ?? "").trim();
	return { what: el.tagName.toLowerCase() + " " + text, outline: getComputedStyle(el).outlineStyle };
})()`;

/** Presses Tab until `what` has the focus (at most 40 times); fails if it never does or its focus is not drawn. */
async function tabTo(page: Page, what: string): Promise<void> {
	const seen: string[] = [];
	for (let i = 0; i < 40; i++) {
		await page.keyboard.press("Tab");
		const focused = (await page.evaluate(FOCUSED)) as { what: string; outline: string };
		if (focused.what === what) {
			expect(focused.outline, `the focus on ${what} is drawn`).toBe("solid");
			return;
		}
		seen.push(focused.what);
	}
	throw new Error(`Tab never reached ${what}; it went through ${seen.join(" | ")}`);
}

it("works from the keyboard alone: sign in, open a script, roll back, sign out, the focus drawn at every stop", async () => {
	const { panel, platform } = harness();
	const k1 = await acme.deploy("keys", hello("k1"));
	await acme.deploy("keys", hello("k2"));
	const { page } = await harness().newPage();
	await page.goto(`${panel}/sign-in`);
	// The first stop is the skip link, which takes the focus past the navigation.
	await tabTo(page, "a Skip to content");
	await tabTo(page, "input #token");
	await page.keyboard.type(acme.token);
	await page.keyboard.press("Enter");
	await page.waitForURL(`${panel}/scripts`);

	await tabTo(page, "a keys");
	await page.keyboard.press("Enter");
	await page.waitForURL(`${panel}/scripts/keys`);
	await tabTo(page, `a Roll back to ${k1}`);
	await page.keyboard.press("Enter");
	await page.waitForURL(`${panel}/scripts/keys/rollback/${k1}`);
	await tabTo(page, `button Roll back to ${k1}`);
	await page.keyboard.press("Enter");
	await page.waitForURL((url) => url.pathname === "/scripts/keys" && url.searchParams.has("rolled-back"));
	expect(await page.getByRole("status").textContent()).toBe(`Rolled back: ${k1} is live.`);
	expect(await (await loopbackFetch(platform.urlFor("keys"))).text()).toBe("k1");
	await checkPage(page);

	await tabTo(page, "button Sign out");
	await page.keyboard.press("Enter");
	await page.waitForURL((url) => url.pathname === "/sign-in");
	expect(await page.getByRole("status").textContent()).toBe("Signed out.");
});

it("gives the browser an HttpOnly, Secure, host-only, Lax session cookie and no token, and every page its security headers", async () => {
	const { panel } = harness();
	const { page, context } = await harness().newPage();
	await signIn(page, panel, acme.token);
	const cookies = await context.cookies();
	const session = cookies.find((c) => c.name === "__Host-ferry_session")!;
	expect(session).toMatchObject({ domain: "dash.localhost", path: "/", httpOnly: true, secure: true, sameSite: "Lax" });
	// The browser's expiry matches the server's 12 hours (which the server enforces on its own: bad-input.test.ts).
	expect(session.expires * 1000 - Date.now()).toBeGreaterThan(11.9 * 3_600_000);
	expect(session.expires * 1000 - Date.now()).toBeLessThanOrEqual(12 * 3_600_000);
	// Nothing the page's scripts can read holds the session or the token.
	const readable = (await page.evaluate("JSON.stringify([document.cookie, { ...localStorage }, { ...sessionStorage }])")) as string;
	expect(readable).not.toContain(session.value);
	for (const cookie of cookies) expect(cookie.value).not.toContain(acme.token);
	expect(readable).not.toContain(acme.token);

	const nonces: string[] = [];
	for (const path of ["/scripts", "/scripts/hello/logs", "/scripts/hello/logs"]) {
		const answer = (await page.goto(`${panel}${path}`))!;
		const headers = answer.headers();
		const csp = headers["content-security-policy"]!;
		expect(csp, path).toMatch(/script-src 'nonce-[A-Za-z0-9+/=_-]+'/);
		for (const directive of ["default-src 'none'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'", "style-src 'self'"])
			expect(csp, path).toContain(directive);
		expect(csp, path).not.toContain("unsafe-inline");
		expect(headers, path).toMatchObject({
			"cache-control": "no-store",
			"x-content-type-options": "nosniff",
			"x-frame-options": "SAMEORIGIN",
			"referrer-policy": "no-referrer",
			"strict-transport-security": expect.stringContaining("max-age="),
		});
		const nonce = csp.match(/'nonce-([^']+)'/)![1]!;
		if (path.endsWith("/logs")) {
			// The page's one script carries this response's nonce.
			expect(await page.locator("script[src]").count()).toBe(1);
			expect(await page.locator("script[src]").evaluate((script) => (script as unknown as { nonce: string }).nonce)).toBe(nonce);
			nonces.push(nonce);
		}
	}
	// A fresh nonce for every response.
	expect(nonces[0]).not.toBe(nonces[1]);
});
