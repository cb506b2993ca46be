/**
 * Tenant content on its own domain, on the real platform: `npm run dev` with TENANT_DOMAIN apart
 * from PLATFORM_DOMAIN serves the API on the platform's and scripts on the tenants'.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { loopbackFetch } from "../../loopback/index.ts";
import { type DevServer, runDev, startDevServer } from "../e2e/dev-server.ts";
import { ADMIN, client, hello } from "./support.ts";

let dev: DevServer;
const platform = client(() => dev);

beforeAll(async () => {
	dev = await startDevServer({ adminToken: ADMIN, env: { PLATFORM_DOMAIN: "ferry.localhost", TENANT_DOMAIN: "apps.localhost" } });
});
afterAll(() => dev?.stop());

it("answers the API on api.<platform domain> and scripts on <script>.<tenant domain>, each nowhere else", async () => {
	expect(dev.api).toBe(`http://api.ferry.localhost:${dev.port}`);
	const { token } = await platform.newTenant("domains");
	const res = await platform.deploy(token, "site", hello("tenant content"));
	expect(res.status).toBe(200);
	const answer = (await res.json()) as { url: string; preview_url: string; deployment: { id: string } };
	expect(answer.url).toBe(`http://site.apps.localhost:${dev.port}/`);
	expect(answer.preview_url).toBe(`http://${answer.deployment.id}--site.apps.localhost:${dev.port}/`);
	expect(await (await loopbackFetch(answer.url)).text()).toBe("tenant content");
	expect(await (await loopbackFetch(answer.preview_url)).text()).toBe("tenant content");

	const status = async (url: string) => (await loopbackFetch(url)).status;
	// The script's label under the platform's domain, and the API's under the tenants', are nobody's.
	expect(await status(`http://site.ferry.localhost:${dev.port}/`)).toBe(404);
	expect(await status(`http://site.localhost:${dev.port}/`)).toBe(404);
	expect(await (await loopbackFetch(`http://api.apps.localhost:${dev.port}/`)).text()).not.toContain('"api":"/v1"');
	expect(await (await loopbackFetch(`${dev.api}/`)).json()).toEqual({ name: "ferry", api: "/v1" });
});

it("refuses a local domain that does not resolve to this machine, in one line", async () => {
	const run = runDev(["--port", "0", "--tenant-domain", "example.com"]);
	expect(await run.exited).toBe(1);
	expect(run.output()).toMatch(/✘ the tenant domain 'example.com' does not resolve to this machine: use localhost or a name under it/);
	expect(run.output()).not.toMatch(/\n\s+at /);
});
