/** One real local platform (workerd, D1, R2 on a random port) for every CLI test file. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startLocalPlatform } from "../../local/platform.ts";
import { prepareStateTemplate, seedStateDir } from "../support/state-template.ts";

export interface PlatformInfo {
	apiUrl: string;
	adminToken: string;
	port: number;
	/** The Supervision surface, where a test runs the minute tick of cron triggers for the time it names (./support.ts `runMinute`). */
	testClock: { url: string; token: string };
}

declare module "vitest" {
	export interface ProvidedContext {
		platform: PlatformInfo;
	}
}

export default async function setup(project: TestProject) {
	const stateDir = mkdtempSync(path.join(tmpdir(), "ferry-cli-platform-"));
	// Built Workers and migrated D1 from the run's template (test/support/state-template.ts).
	await prepareStateTemplate();
	seedStateDir(stateDir);
	// The test clock: cron triggers fire only for the minutes a test names, never on their own.
	const platform = await startLocalPlatform({ port: 0, stateDir, adminToken: "cli-test-admin-token", health: false, testClock: true });
	project.provide("platform", {
		apiUrl: platform.apiUrl,
		adminToken: platform.adminToken,
		port: platform.port,
		testClock: platform.testClock!,
	});
	return async () => {
		await platform.stop();
		rmSync(stateDir, { recursive: true, force: true });
	};
}
