/**
 * A script's secrets in Chromium: set one (its name listed, its value never in any page the panel
 * sends), the script's env has it at once, delete it behind a confirmation and the env no longer
 * does; the API's refusals (a bad name, a value too large) as pages that do not echo the value;
 * another tenant's script's secrets, through pages and crafted forms, are 404.
 */
import { randomBytes } from "node:crypto";
import type { Page } from "playwright-core";
import { beforeAll, expect, it } from "vitest";
import { loopbackFetch } from "../../loopback/index.ts";
import { checkPage, harnessForFile, screenshot, signIn, type Tenant } from "./support.ts";

const harness = harnessForFile();
let keeper: Tenant;

// Says whether env.API_KEY is set (and to what the test set, by comparison): never the value itself.
const VALUE = `s3cr3t-${randomBytes(12).toString("hex")}`;
const VAULT = `export default {
	fetch: (request, env) => new Response(typeof env.API_KEY === "string" ? "set, " + (env.API_KEY === ${JSON.stringify(VALUE)} ? "matches" : "differs") : "unset"),
};`;

beforeAll(async () => {
	keeper = await harness().tenant("keeper");
	await keeper.deploy("vault", VAULT);
});

const served = async (url: string) => (await loopbackFetch(url)).text();

/** Every page of this test: the value appears nowhere in what the panel sent. */
async function valueAbsent(page: Page) {
	expect(await page.content()).not.toContain(VALUE);
	expect(
		await page
			.locator("#secret-value")
			.count()
			.then((n) => (n ? page.locator("#secret-value").inputValue() : "")),
	).toBe("");
}

it("sets a secret (its name listed, never its value), the script's env has it, and deletes it after a confirmation", async () => {
	const { panel, platform } = harness();
	const { page } = await harness().newPage();
	await signIn(page, panel, keeper.token);
	await page.goto(`${panel}/scripts/vault`);
	await page.getByRole("link", { name: "Secrets" }).click();
	await page.waitForURL(`${panel}/scripts/vault/secrets`);
	expect(await page.getByText("No secrets yet.").count()).toBe(1);
	await checkPage(page);

	await page.getByLabel("Name (letters, digits and _)").fill("API_KEY");
	await page.getByLabel("Value").fill(VALUE);
	expect(await page.getByLabel("Value").getAttribute("type")).toBe("password");
	await page.getByRole("button", { name: "Set secret" }).click();
	await page.waitForURL((url) => url.pathname === "/scripts/vault/secrets" && url.searchParams.get("set") === "API_KEY");
	expect(await page.getByRole("status").textContent()).toMatch(/^Set API_KEY: deployment [a-z0-9]+ carries the change\.$/);
	const row = page.getByRole("row", { name: /API_KEY/ });
	expect(await row.textContent()).toContain("secret_text");
	await valueAbsent(page);
	await checkPage(page);
	await screenshot(page, "secrets");
	expect(await served(platform.urlFor("vault"))).toBe("set, matches");
	await page.reload();
	await valueAbsent(page);

	await row.getByRole("link", { name: "Delete API_KEY" }).click();
	await page.waitForURL(`${panel}/scripts/vault/secrets/API_KEY/delete`);
	await checkPage(page);
	await page.getByRole("button", { name: "Delete API_KEY" }).click();
	await page.waitForURL((url) => url.pathname === "/scripts/vault/secrets" && url.searchParams.get("deleted") === "API_KEY");
	expect(await page.getByRole("status").textContent()).toMatch(/^Deleted API_KEY: deployment [a-z0-9]+ carries the change\.$/);
	expect(await page.getByRole("row", { name: /API_KEY/ }).count()).toBe(0);
	expect(await served(platform.urlFor("vault"))).toBe("unset");
	await checkPage(page);
	// A secret that is not there has no confirmation page.
	expect((await page.goto(`${panel}/scripts/vault/secrets/API_KEY/delete`))?.status()).toBe(404);
});

it("shows the API's refusals (a bad name, escaped; a value too large) without the value", async () => {
	const { panel } = harness();
	const { page } = await harness().newPage();
	await signIn(page, panel, keeper.token);

	await page.goto(`${panel}/scripts/vault/secrets`);
	await page.getByLabel("Name (letters, digits and _)").fill("<img src=x id=injected>");
	await page.getByLabel("Value").fill(VALUE);
	await page.getByRole("button", { name: "Set secret" }).click();
	await page.waitForLoadState();
	expect(await page.getByRole("alert").textContent()).toContain("secret name '<img src=x id=injected>' is not an identifier");
	expect(await page.locator("#injected").count()).toBe(0);
	await valueAbsent(page);
	await checkPage(page);

	const large = `${VALUE}${"x".repeat(6_000)}`;
	await page.goto(`${panel}/scripts/vault/secrets`);
	await page.getByLabel("Name (letters, digits and _)").fill("BIG");
	await page.getByLabel("Value").fill(large);
	await page.getByRole("button", { name: "Set secret" }).click();
	await page.waitForLoadState();
	expect(await page.getByRole("alert").textContent()).toContain("a secret is at most 5120 bytes");
	await valueAbsent(page);
	await page.goto(`${panel}/scripts/vault/secrets`);
	expect(await page.getByRole("row", { name: /BIG/ }).count()).toBe(0);
});

it("answers another tenant's script's secrets with 404, through pages and crafted forms, and refuses a form without its CSRF token", async () => {
	const { panel, platform } = harness();
	await loopbackFetch(`${platform.apiUrl}/v1/scripts/vault/secrets`, {
		method: "PUT",
		headers: { authorization: `Bearer ${keeper.token}`, "content-type": "application/json" },
		body: JSON.stringify({ name: "API_KEY", text: VALUE }),
	});
	const other = await harness().tenant("prier");
	await other.deploy("mine", VAULT);
	const { page } = await harness().newPage();
	await signIn(page, panel, other.token);
	expect((await page.goto(`${panel}/scripts/vault/secrets`))?.status()).toBe(404);
	expect((await page.goto(`${panel}/scripts/vault/secrets/API_KEY/delete`))?.status()).toBe(404);
	await page.goto(`${panel}/scripts/mine/secrets`);
	const csrf = await page.locator('input[name="csrf"]').first().inputValue();
	const post = (path: string, fields: Record<string, string>) =>
		page.evaluate(
			async ([path, fields]) => (await fetch(path, { method: "POST", body: new URLSearchParams(fields), redirect: "manual" })).status,
			[path, fields] as const,
		);
	expect(await post("/scripts/vault/secrets", { csrf, name: "API_KEY", value: "overwritten" })).toBe(404);
	expect(await post("/scripts/vault/secrets/API_KEY/delete", { csrf })).toBe(404);
	expect(await post("/scripts/mine/secrets", { name: "API_KEY", value: "x" })).toBe(403);
	// Untouched: keeper's script still has its own value.
	expect(await served(platform.urlFor("vault"))).toBe("set, matches");
	expect(await served(platform.urlFor("mine"))).toBe("unset");
});
