/**
 * One `npm run dev` for every e2e file that does not stop, kill or restart its platform (those start
 * their own with startDevServer): started before the project's files, stopped after them. Files share
 * it as production tenants share a platform: each test creates its own tenant (`newTenant`) and names
 * its scripts apart from other files' (script names are hostnames, one per platform). Its output
 * (`--verbose`: tenants' logs too) goes to a file that the files read (./shared.ts). It also brings
 * the run's state template up to date (test/support/state-template.ts) before any platform starts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { prepareStateTemplate } from "../support/state-template.ts";
import { startDevServer } from "./dev-server.ts";

export interface SharedDevServerInfo {
	port: number;
	api: string;
	tenantDomain: string;
	readyFile: string;
	/** The operator's token (creates tenants). */
	adminToken: string;
	/** Everything the process printed so far. */
	logFile: string;
}

declare module "vitest" {
	export interface ProvidedContext {
		e2eDevServer: SharedDevServerInfo;
	}
}

export default async function setup(project: TestProject) {
	// Before any platform of the project starts: theirs and this one are seeded from it.
	await prepareStateTemplate();
	const dir = mkdtempSync(path.join(tmpdir(), "ferry-e2e-shared-"));
	const logFile = path.join(dir, "output.log");
	const adminToken = "e2e-shared-admin-token";
	const dev = await startDevServer({ adminToken, verbose: true, logFile });
	project.provide("e2eDevServer", {
		port: dev.port,
		api: dev.api,
		tenantDomain: dev.tenantDomain,
		readyFile: dev.readyFile,
		adminToken,
		logFile,
	});
	return async () => {
		await dev.stop();
		rmSync(dir, { recursive: true, force: true });
	};
}
