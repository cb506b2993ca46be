/**
 * vitest globalSetup: one fake Cloudflare API for the whole run, its URL and credentials handed to
 * the workerd tests with `provide` (read there with `inject("cloudflareApi")`).
 *
 * The account's one namespace is the one the dispatcher's production config binds, and the tests'
 * API Worker uploads to the namespace its own production config names: if the two configs disagree,
 * every upload is refused as it would be on Cloudflare.
 */
import path from "node:path";
import type { TestProject } from "vitest/node";
import "./control.ts";
import { startFakeCloudflareApi } from "./server.ts";

const ROOT = path.join(import.meta.dirname, "..", "..", "..");

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	const { unstable_readConfig } = await import("wrangler");
	const dispatcher = unstable_readConfig({ config: path.join(ROOT, "wrangler.toml"), env: "production" });
	const api = unstable_readConfig({ config: path.join(ROOT, "workers/api/wrangler.toml"), env: "production" });
	const namespace = dispatcher.dispatch_namespaces.find(
		(binding: { binding: string; namespace: string }) => binding.binding === "DISPATCHER",
	)?.namespace;
	if (!namespace) throw new Error("wrangler.toml [env.production] binds no DISPATCHER dispatch namespace");
	const server = await startFakeCloudflareApi({ namespace });
	project.provide("cloudflareApi", {
		url: server.url,
		accountId: server.accountId,
		apiToken: server.apiToken,
		namespace: server.namespace,
	});
	project.provide("apiDispatchNamespace", String(api.vars.DISPATCH_NAMESPACE ?? ""));
	return () => server.stop();
}
