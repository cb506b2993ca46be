/**
 * What the panel refuses, in Chromium and with the browser context's own requests: forged, expired
 * and signed-out session cookies, a session cookie a tenant's script tries to plant, a form without
 * its CSRF token or from another origin (the sign-in form too), a crafted rollback to another
 * tenant's deployment or revoke of its token, a tenant on the operator's pages, and HTML in error
 * messages and names (escaped, and the CSP would have reported any script that got in).
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { Page } from "playwright-core";
import { beforeAll, expect, it } from "vitest";
import { loopbackFetch } from "../../loopback/index.ts";
import { checkPage, harnessForFile, hello, pageProblems, signIn, type Tenant } from "./support.ts";

const harness = harnessForFile();
let acme: Tenant;
let bob: Tenant;
let bobV1: string;
let bobV2: string;

beforeAll(async () => {
	[acme, bob] = await Promise.all([harness().tenant("initech"), harness().tenant("bob")]);
	await acme.deploy("site", hello("acme v1"));
	await acme.deploy("site", hello("acme v2"));
	bobV1 = await bob.deploy("bobs", hello("bob v1"));
	bobV2 = await bob.deploy("bobs", hello("bob v2"));
});

/** The platform's D1 database file (Miniflare's layout), opened beside the running workerd. */
function database(): DatabaseSync {
	const dir = path.join(harness().stateDir, "v3", "d1", "miniflare-D1DatabaseObject");
	const file = readdirSync(dir).find((name) => name.endsWith(".sqlite") && name !== "metadata.sqlite");
	// workerd may hold a write lock for a moment: wait for it rather than fail.
	return new DatabaseSync(path.join(dir, file!), { timeout: 5_000 });
}

const csrfOf = (page: Page) => page.locator('input[name="csrf"]').first().inputValue();

/** A form POST from the panel's own page (same origin, the session's cookie), as crafted by hand: the answer's status (0 for a redirect, i.e. accepted). */
const postFromPanel = (page: Page, path: string, fields: Record<string, string>) =>
	page.evaluate(
		async ([path, fields]) => (await fetch(path, { method: "POST", body: new URLSearchParams(fields), redirect: "manual" })).status,
		[path, fields] as const,
	);

/** What a tenant's page serves at its URL, read in the browser. */
async function served(page: Page, url: string): Promise<{ status: number; text: string }> {
	const answer = await page.goto(url);
	return { status: answer?.status() ?? 0, text: (await page.textContent("body")) ?? "" };
}

async function signedIn(tenant: Tenant) {
	const { page, context } = await harness().newPage();
	await signIn(page, harness().panel, tenant.token);
	return { page, context };
}

it("sends a forged session cookie to sign in and drops it", async () => {
	const { panel } = harness();
	const { page, context } = await harness().newPage();
	await context.addCookies([
		{
			name: "__Host-ferry_session",
			value: "A".repeat(43),
			domain: "dash.localhost",
			path: "/",
			secure: true,
			httpOnly: true,
			sameSite: "Lax",
		},
	]);
	await page.goto(`${panel}/scripts`);
	expect(new URL(page.url()).pathname).toBe("/sign-in");
	expect((await context.cookies()).map((c) => c.name)).not.toContain("__Host-ferry_session");
	await checkPage(page);
});

it("ends a session the server says has expired, whatever the cookie says", async () => {
	const { panel } = harness();
	const { page } = await signedIn(acme);
	const db = database();
	try {
		// The token is sealed at rest: the row has no trace of it in clear.
		// This tenant's sessions only: the other files' tenants use the same platform at the same time.
		const rows = db.prepare("SELECT token_ciphertext FROM panel_sessions WHERE tenant_name = ?").all(acme.name) as {
			token_ciphertext: string;
		}[];
		expect(rows.length).toBeGreaterThan(0);
		for (const row of rows) expect(row.token_ciphertext).not.toContain(acme.token.slice(6, 20));
		db.prepare("UPDATE panel_sessions SET expires_at = 1 WHERE tenant_name = ?").run(acme.name);
	} finally {
		db.close();
	}
	await page.goto(`${panel}/scripts`);
	expect(new URL(page.url()).pathname).toBe("/sign-in");
	expect(await page.getByRole("status").textContent()).toBe("Your session ended: sign in again.");
});

it("opens nothing with a signed-out session's cookie, replayed by hand", async () => {
	const { panel } = harness();
	const { page, context } = await signedIn(acme);
	const [cookie] = (await context.cookies()).filter((c) => c.name === "__Host-ferry_session");
	expect(cookie).toBeDefined();
	await page.getByRole("button", { name: "Sign out" }).click();
	await page.waitForURL((url) => url.pathname === "/sign-in");
	// The browser dropped it; put it back as it was: the server deleted its row, so it opens nothing.
	await context.addCookies([cookie!]);
	await page.goto(`${panel}/scripts`);
	expect(new URL(page.url()).pathname).toBe("/sign-in");
	expect(await page.getByRole("status").textContent()).toBe("Your session ended: sign in again.");
	expect((await context.cookies()).map((c) => c.name)).not.toContain("__Host-ferry_session");
});

it("does not take a session cookie a tenant's script tries to set for the panel (session fixation)", async () => {
	const { panel, platform } = harness();
	// Mallory's own, valid session: what she would like a victim's browser to use on the panel.
	const attacker = await harness().tenant("fixer");
	const { context: hers } = await signedIn(attacker);
	const secret = (await hers.cookies()).find((c) => c.name === "__Host-ferry_session")!.value;
	const cookies = [
		`__Host-ferry_session=${secret}; Path=/; Secure; HttpOnly; Domain=localhost`,
		`ferry_session=${secret}; Path=/; Domain=localhost`,
		`__Host-ferry_session=${secret}; Path=/; Secure`,
	];
	await attacker.deploy(
		"fixation",
		`export default { fetch: () => { const h = new Headers({ "content-type": "text/html" }); for (const c of ${JSON.stringify(cookies)}) h.append("set-cookie", c); return new Response("<!doctype html><title>hi</title>hi", { headers: h }); } };`,
	);
	const { page, context } = await harness().newPage();
	await page.goto(platform.urlFor("fixation"));
	expect(await page.textContent("body")).toBe("hi");
	// The last one the browser keeps, for the tenant's own host only; none reaches dash.
	expect((await context.cookies(panel)).map((c) => `${c.name}=${c.value}`)).not.toContain(`__Host-ferry_session=${secret}`);
	await page.goto(`${panel}/scripts`);
	expect(new URL(page.url()).pathname).toBe("/sign-in");
	// Had a sibling host managed to set the name without the prefix for dash., the panel reads only the __Host- one.
	await context.addCookies([{ name: "ferry_session", value: secret, domain: "dash.localhost", path: "/" }]);
	await page.goto(`${panel}/scripts`);
	expect(new URL(page.url()).pathname).toBe("/sign-in");
});

it("refuses the sign-in form posted from another site (no one signs a victim in as themselves)", async () => {
	const { panel, platform } = harness();
	const attacker = await harness().tenant("login-csrf");
	const form = `<!doctype html><title>win</title><form method="post" action="${panel}/sign-in"><input name="csrf" value="${"A".repeat(43)}"><input name="token" value="${attacker.token}"><button>win</button></form>`;
	await attacker.deploy(
		"lure",
		`export default { fetch: () => new Response(${JSON.stringify(form)}, { headers: { "content-type": "text/html" } }) };`,
	);
	const { page, context } = await harness().newPage();
	// The victim has the panel's sign-in page open elsewhere (its Strict cookie is set), which does not help the other site.
	await page.goto(`${panel}/sign-in`);
	await page.goto(platform.urlFor("lure"));
	const [refused] = await Promise.all([page.waitForResponse(`${panel}/sign-in`), page.getByRole("button", { name: "win" }).click()]);
	expect(refused.status()).toBe(403);
	expect((await context.cookies()).map((c) => c.name)).not.toContain("__Host-ferry_session");
});

it("refuses a form without its CSRF token, and one posted from another origin", async () => {
	const { panel, platform } = harness();
	const { page } = await signedIn(acme);
	await page.goto(`${panel}/scripts/site/delete`);
	const csrf = await csrfOf(page);
	expect(await postFromPanel(page, "/scripts/site/delete", {})).toBe(403);
	expect(await postFromPanel(page, "/scripts/site/delete", { csrf: "x".repeat(43) })).toBe(403);

	// Another site's page posting the panel's form, even with the right token, in the signed-in browser.
	const attacker = await harness().tenant("mallory");
	const form = `<!doctype html><title>win</title><form method="post" action="${panel}/scripts/site/delete"><input name="csrf" value="${csrf}"><button>win</button></form>`;
	await attacker.deploy(
		"evil",
		`export default { fetch: () => new Response(${JSON.stringify(form)}, { headers: { "content-type": "text/html" } }) };`,
	);
	await page.goto(platform.urlFor("evil"));
	const [refused] = await Promise.all([
		page.waitForResponse(`${panel}/scripts/site/delete`),
		page.getByRole("button", { name: "win" }).click(),
	]);
	expect(refused.status()).toBe(403);
	// Nothing was deleted: the script still serves.
	expect(await served(page, platform.urlFor("site"))).toEqual({ status: 200, text: "acme v2" });

	// The same form, sent from the panel's page, works.
	await page.goto(`${panel}/scripts/site/delete`);
	await page.getByRole("button", { name: "Delete site" }).click();
	await page.waitForURL(`${panel}/scripts?deleted=site`);
	expect(await page.getByRole("status").textContent()).toBe("Deleted site.");
	expect((await served(page, platform.urlFor("site"))).status).toBe(404);
});

it("answers 404 for another tenant's script and deployments, through pages and crafted forms alike", async () => {
	const { panel, platform } = harness();
	await acme.deploy("site2", hello("acme v1"));
	await acme.deploy("site2", hello("acme v2"));
	const { page } = await signedIn(acme);
	expect((await page.goto(`${panel}/scripts/bobs`))?.status()).toBe(404);
	expect((await page.goto(`${panel}/scripts/site2/rollback/${bobV1}`))?.status()).toBe(404);
	await page.goto(`${panel}/scripts/site2`);
	const csrf = await csrfOf(page);
	expect(await postFromPanel(page, "/scripts/bobs/rollback", { csrf, deployment_id: bobV1 })).toBe(404);
	expect(await postFromPanel(page, "/scripts/site2/rollback", { csrf, deployment_id: bobV1 })).toBe(404);
	expect(await served(page, platform.urlFor("bobs"))).toEqual({ status: 200, text: "bob v2" });
	expect(bobV2).not.toBe(bobV1);
	expect(await served(page, platform.urlFor("site2"))).toEqual({ status: 200, text: "acme v2" });
});

it("answers 404 for another tenant's token through a crafted revoke, and for the operator's pages", async () => {
	const { panel, platform } = harness();
	const whoami = await loopbackFetch(`${platform.apiUrl}/v1/whoami`, { headers: { authorization: `Bearer ${bob.token}` } });
	const bobToken = ((await whoami.json()) as { token: { id: string } }).token.id;
	const { page } = await signedIn(acme);
	await page.goto(`${panel}/tokens`);
	const csrf = await csrfOf(page);
	expect((await page.goto(`${panel}/tokens/${bobToken}/revoke`))?.status()).toBe(404);
	await page.goto(`${panel}/tokens`);
	expect(await postFromPanel(page, `/tokens/${bobToken}/revoke`, { csrf })).toBe(404);
	const still = await loopbackFetch(`${platform.apiUrl}/v1/whoami`, { headers: { authorization: `Bearer ${bob.token}` } });
	expect(still.status).toBe(200);
	// A tenant's session is not the operator's: its pages and forms are 404 like pages that do not exist.
	for (const path of ["/tenants", "/plans", `/tenants/${bobToken}`]) expect((await page.goto(`${panel}${path}`))?.status(), path).toBe(404);
	await page.goto(`${panel}/tokens`);
	expect(await postFromPanel(page, "/plans", { csrf, name: "free", cpu_ms: "1", sub_requests: "1" })).toBe(404);
	expect(await postFromPanel(page, "/tenants", { csrf, name: "intruder" })).toBe(404);
});

it("escapes HTML in error messages and names", async () => {
	const { panel } = harness();
	const payload = `<img src=x id=injected><script>document.title="pwned"</script>`;
	await acme.deploy("broken", `throw new Error(${JSON.stringify(payload)});\nexport default {};`, { expectFailure: true });
	const { page } = await signedIn(acme);
	await page.goto(`${panel}/scripts/broken`);
	expect(await page.locator(".problem .message").first().textContent()).toContain(payload);
	expect(await page.locator("#injected").count()).toBe(0);
	expect(await page.title()).toBe("broken · Ferry");
	await checkPage(page);

	// A token's name is the tenant's own free text: shown as text in the list and the confirmation.
	await page.goto(`${panel}/tokens`);
	await page.getByLabel("Name").fill(payload);
	await page.getByRole("button", { name: "Create token" }).click();
	await page.waitForURL(`${panel}/tokens`);
	await page.goto(`${panel}/tokens`);
	expect(await page.getByRole("rowheader", { name: payload }).count()).toBe(1);
	expect(await page.locator("#injected").count()).toBe(0);
	await checkPage(page);
	await page.getByRole("link", { name: `Revoke ${payload}` }).click();
	await page.waitForURL(/\/tokens\/\w+\/revoke$/);
	expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(`Revoke ${payload}?`);
	expect(await page.locator("#injected").count()).toBe(0);
	expect(await page.title()).toBe(`Revoke ${payload}? · Ferry`);
	await checkPage(page);

	const name = `<script>document.title="pwned"</script>`;
	const answer = await page.goto(`${panel}/scripts/${encodeURIComponent(name)}`);
	expect(answer?.status()).toBeGreaterThanOrEqual(400);
	expect(await page.title()).not.toBe("pwned");
	expect(await pageProblems(page)).toEqual([]);
});

it("would see a script the CSP blocks (the check every page gets is not blind)", async () => {
	const { panel } = harness();
	const { page } = await harness().newPage();
	await page.goto(`${panel}/sign-in`);
	await page.evaluate(() => {
		const doc = (
			globalThis as unknown as { document: { createElement(tag: string): { textContent: string }; body: { append(node: unknown): void } } }
		).document;
		const script = doc.createElement("script");
		script.textContent = "globalThis.injected = true";
		doc.body.append(script);
	});
	// Both ways of seeing it: Chromium's console error and the securitypolicyviolation event.
	await expect
		.poll(() => pageProblems(page))
		.toEqual([expect.stringMatching(/^console error: Executing inline script violates/), "CSP violation: script-src-elem inline"]);
});
