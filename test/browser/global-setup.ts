/**
 * One real local platform (startLocalPlatform in vitest's process, as the CLI tests run it) and one
 * headless Chromium (a playwright browser server) for every browser test file: started before the
 * project's files, stopped after them. Files share the platform as production tenants do (each makes
 * its own tenants, named apart from other files', as its scripts: a script name is a hostname), and
 * the browser through `chromium.connect`, each page in a fresh context (./support.ts).
 * Cron triggers run only for the minutes a test names (the test clock, POST /minute), as in test/cli/.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import type { TestProject } from "vitest/node";
import { startLocalPlatform } from "../../local/platform.ts";
import { prepareStateTemplate, seedStateDir } from "../support/state-template.ts";

export const CHROMIUM = process.env.FERRY_CHROMIUM ?? "/usr/bin/chromium";

export interface BrowserPlatformInfo {
	apiUrl: string;
	panelUrl: string;
	adminToken: string;
	stateDir: string;
	port: number;
	tenantDomain: string;
	testClock: { url: string; token: string };
	/** Where `chromium.connect` reaches the shared browser. */
	wsEndpoint: string;
}

declare module "vitest" {
	export interface ProvidedContext {
		browserPlatform: BrowserPlatformInfo;
	}
}

export default async function setup(project: TestProject) {
	await prepareStateTemplate();
	const stateDir = mkdtempSync(path.join(tmpdir(), "ferry-browser-"));
	seedStateDir(stateDir);
	const adminToken = "browser-admin-token";
	const [platform, browser] = await Promise.all([
		startLocalPlatform({ port: 0, stateDir, adminToken, health: false, testClock: true, onEvent: () => undefined }),
		chromium.launchServer({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-dev-shm-usage"] }),
	]);
	project.provide("browserPlatform", {
		apiUrl: platform.apiUrl,
		panelUrl: platform.panelUrl,
		adminToken,
		stateDir,
		port: platform.port,
		tenantDomain: platform.domains.tenant,
		testClock: platform.testClock!,
		wsEndpoint: browser.wsEndpoint(),
	});
	return async () => {
		await browser.close();
		await platform.stop();
		rmSync(stateDir, { recursive: true, force: true });
	};
}
