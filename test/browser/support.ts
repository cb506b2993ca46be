/**
 * The browser tests' harness: the project's one real local platform and one headless Chromium,
 * Debian's (/usr/bin/chromium, installed by .ci/run; playwright-core never downloads a browser),
 * started by ./global-setup.ts; every file makes its own tenants. Every page a test opens records its
 * errors, console errors and CSP violations, and `checkPage` fails on any of them; `axe` runs
 * axe-core on the page and fails on serious or critical violations.
 */

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject } from "vitest";
import { SUPERVISOR_TOKEN_HEADER } from "../../local/control/bindings.ts";
import { ROOT } from "../../local/paths.ts";
import { loopbackFetch } from "../../loopback/index.ts";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface Tenant {
	name: string;
	token: string;
	/** PUT /v1/scripts/:script with one module; the deployment's id (throws unless it was Deployed, or `expectFailure`). */
	deploy(script: string, source: string, options?: { expectFailure?: boolean }): Promise<string>;
}

/** What the files use of the shared platform; the minute tick runs the minute's crons and budget check (the test clock). */
export interface SharedPlatform {
	apiUrl: string;
	adminToken: string;
	urlFor(label: string): string;
	runMinute(at: number): Promise<void>;
}

export interface Harness {
	platform: SharedPlatform;
	/** The platform's state directory (D1 and R2 files). */
	stateDir: string;
	browser: Browser;
	/** The panel's origin, e.g. http://dash.localhost:18123 */
	panel: string;
	tenant(name: string): Promise<Tenant>;
	/** A fresh browser context (no cookies) and a page in it that records its problems. */
	newPage(): Promise<{ context: BrowserContext; page: Page }>;
}

export const hello = (text: string) => `export default { fetch: () => new Response(${JSON.stringify(text)}) };`;

/** Collects the page's CSP violations into `__cspViolations`, from before its first script. */
const CSP_LISTENER = `
	globalThis.__cspViolations = [];
	document.addEventListener("securitypolicyviolation", (event) => globalThis.__cspViolations.push(event.violatedDirective + " " + event.blockedURI));
`;

interface Problems {
	errors: string[];
}

const problems = new WeakMap<Page, Problems>();

/** What went wrong on the page so far: uncaught errors, console errors (CSP reports among them), failed subresources and securitypolicyviolation events. */
export async function pageProblems(page: Page): Promise<string[]> {
	const violations = (await page.evaluate(() => (globalThis as { __cspViolations?: string[] }).__cspViolations ?? [])) as string[];
	return [...(problems.get(page)?.errors ?? []), ...violations.map((v) => `CSP violation: ${v}`)];
}

/** No page error, no console error, no CSP violation so far, and axe-core finds nothing serious. */
export async function checkPage(page: Page): Promise<void> {
	expect(await pageProblems(page)).toEqual([]);
	await axe(page);
}

/** axe-core's serious and critical violations on the page (run through the DevTools protocol, which the page's CSP does not govern). */
export async function axe(page: Page): Promise<void> {
	await page.evaluate(AXE_SOURCE);
	const violations = (await page.evaluate(async () => {
		const result = await (
			globalThis as unknown as {
				axe: { run(): Promise<{ violations: { id: string; impact: string; help: string; nodes: { html: string }[] }[] }> };
			}
		).axe.run();
		return result.violations;
	})) as { id: string; impact: string; help: string; nodes: { html: string }[] }[];
	const serious = violations
		.filter((v) => v.impact === "serious" || v.impact === "critical")
		.map((v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.map((n) => n.html).join(" | ")}`);
	expect(serious, `axe-core on ${page.url()}`).toEqual([]);
}

/** The project's platform and browser (./global-setup.ts), for the file that calls it. */
export function harnessForFile(): () => Harness {
	let harness: Harness;
	const contexts: BrowserContext[] = [];
	beforeAll(async () => {
		const shared = inject("browserPlatform");
		const { adminToken, stateDir } = shared;
		const browser = await chromium.connect(shared.wsEndpoint);
		const platform: SharedPlatform = {
			apiUrl: shared.apiUrl,
			adminToken,
			urlFor: (label) => `http://${label}.${shared.tenantDomain}:${shared.port}/`,
			async runMinute(at) {
				const response = await loopbackFetch(new URL("/minute", shared.testClock.url), {
					method: "POST",
					headers: { [SUPERVISOR_TOKEN_HEADER]: shared.testClock.token, "content-type": "application/json" },
					body: JSON.stringify({ at }),
				});
				if (!response.ok) throw new Error(`the minute tick answered ${response.status}: ${await response.text()}`);
			},
		};
		const panel = shared.panelUrl.replace(/\/$/, "");
		harness = {
			platform,
			stateDir,
			browser,
			panel,
			async tenant(name) {
				const created = await loopbackFetch(`${platform.apiUrl}/v1/tenants`, {
					method: "POST",
					headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
					body: JSON.stringify({ name }),
				});
				if (created.status !== 201) throw new Error(`creating tenant ${name}: ${created.status} ${await created.text()}`);
				const token = ((await created.json()) as { token: { token: string } }).token.token;
				return {
					name,
					token,
					async deploy(script, source, { expectFailure = false } = {}) {
						const form = new FormData();
						form.set("metadata", JSON.stringify({ main_module: "index.js", compatibility_date: "2026-11-01" }));
						form.set("index.js", new File([source], "index.js", { type: "application/javascript+module" }));
						const answer = await loopbackFetch(`${platform.apiUrl}/v1/scripts/${script}`, {
							method: "PUT",
							headers: { authorization: `Bearer ${token}` },
							body: form,
						});
						const body = (await answer.json()) as { deployment?: { id: string } };
						if (answer.status !== (expectFailure ? 422 : 200) || !body.deployment)
							throw new Error(`deploying ${script}: ${answer.status} ${JSON.stringify(body)}`);
						return body.deployment.id;
					},
				};
			},
			async newPage() {
				const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
				contexts.push(context);
				// Init scripts run through the DevTools protocol, outside the page's CSP: they only listen.
				// (Source text: it runs in the page, whose DOM types this Node-side file does not have.)
				await context.addInitScript({ content: CSP_LISTENER });
				const page = await context.newPage();
				const record: Problems = { errors: [] };
				problems.set(page, record);
				page.on("pageerror", (error) => record.errors.push(`page error: ${error.message}`));
				page.on("console", (message) => {
					// Chromium logs every 4xx/5xx answer as a console error, pages whose status a test asserts
					// included; failed subresources are caught below instead.
					if (message.type() === "error" && !message.text().startsWith("Failed to load resource: the server responded with a status"))
						record.errors.push(`console error: ${message.text()}`);
				});
				page.on("response", (response) => {
					if (response.status() >= 400 && response.request().resourceType() !== "document")
						record.errors.push(`${response.status()} for ${response.url()}`);
				});
				page.on("requestfailed", (request) => {
					// ERR_ABORTED: the page went on to another one before this (the icon, say) arrived; not a fault.
					if (request.failure()?.errorText !== "net::ERR_ABORTED")
						record.errors.push(`request failed: ${request.url()} (${request.failure()?.errorText})`);
				});
				page.on("dialog", (dialog) => {
					record.errors.push(`dialog: ${dialog.message()}`);
					void dialog.dismiss();
				});
				return { context, page };
			},
		};
	}, 120_000);
	afterAll(async () => {
		await Promise.all(contexts.map((context) => context.close().catch(() => undefined)));
		// A connected browser: this only disconnects (the project's server keeps running).
		await harness?.browser.close();
	}, 60_000);
	return () => harness;
}

/**
 * With FERRY_PANEL_SCREENSHOTS set (`npm run docs:panel`), the page as docs/panel/<name>.png, which
 * docs/panel.md shows; otherwise nothing. The viewport is fixed, so the pictures are comparable.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
	if (!process.env.FERRY_PANEL_SCREENSHOTS) return;
	await page.screenshot({ path: path.join(ROOT, "docs", "panel", `${name}.png`), fullPage: true });
}

/** Signs in on the panel's form with `token`; resolves once the page after sign-in has loaded. */
export async function signIn(page: Page, panel: string, token: string): Promise<void> {
	await page.goto(`${panel}/sign-in`);
	await page.getByLabel("API token").fill(token);
	await page.getByRole("button", { name: "Sign in" }).click();
	await page.waitForURL((url) => url.pathname !== "/sign-in");
}
