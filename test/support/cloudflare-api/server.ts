/**
 * The fake Cloudflare API (./app.ts) on a local HTTP port, standing in for
 * https://api.cloudflare.com/client/v4. Served by @hono/node-server; each run gets its own account
 * id and token unless given them.
 */
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { API_PREFIX, fakeCloudflareApp } from "./app.ts";
import type { FakeCloudflareApiInfo } from "./control.ts";
import { StartupCheck } from "./startup.ts";

export interface FakeCloudflareApiServer extends FakeCloudflareApiInfo {
	stop(): Promise<void>;
}

export async function startFakeCloudflareApi(
	options: Partial<Omit<FakeCloudflareApiInfo, "url">> & Pick<FakeCloudflareApiInfo, "namespace">,
): Promise<FakeCloudflareApiServer> {
	const info = {
		accountId: options.accountId ?? randomBytes(16).toString("hex"),
		apiToken: options.apiToken ?? `cf_test_${randomBytes(20).toString("base64url")}`,
		namespace: options.namespace,
	};
	const startup = new StartupCheck();
	const app = fakeCloudflareApp(info, { startup });
	let server: ReturnType<typeof serve> | undefined;
	const { port } = await new Promise<AddressInfo>((resolve) => {
		// The globals stay Node's own: this runs in vitest's main process, beside other code.
		server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0, overrideGlobalObjects: false }, resolve);
	});
	return {
		...info,
		url: `http://127.0.0.1:${port}${API_PREFIX}`,
		stop: async () => {
			await new Promise<void>((resolve, reject) => server!.close((error) => (error ? reject(error) : resolve())));
			await startup.stop();
		},
	};
}
