/**
 * vitest globalSetup: one fake Cloudflare API for the whole run, its URL and credentials handed to
 * the workerd tests with `provide` (read there with `inject("cloudflareApi")`).
 */
import type { TestProject } from "vitest/node";
import "./control.ts";
import { startFakeCloudflareApi } from "./server.ts";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	const api = await startFakeCloudflareApi();
	project.provide("cloudflareApi", { url: api.url, accountId: api.accountId, apiToken: api.apiToken, namespace: api.namespace });
	return () => api.stop();
}
