/**
 * Tenant content on its own domain: with TENANT_DOMAIN apart from PLATFORM_DOMAIN, the API hands out
 * tenant URLs on the tenant domain and the dispatcher serves scripts there and nowhere else.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import dispatcher from "../../dispatch/src/index";
import { app } from "../../workers/api/src/app";
import { hello, json, newTenant, uniqueName, uploadForm } from "./platform";

const domains = { PLATFORM_DOMAIN: "ferry.example", TENANT_DOMAIN: "ferry-apps.example" };
// One env object per side, as the runtime keeps one per isolate.
const apiEnv = { ...env, ...domains };
const dispatchEnv = { ...env, ...domains };

async function callApi(path: string, init: RequestInit) {
	const ctx = createExecutionContext();
	const response = await app.fetch(new Request(`https://api.ferry.example${path}`, init), apiEnv, ctx);
	await waitOnExecutionContext(ctx);
	return response;
}

const visit = (host: string) =>
	dispatcher.fetch(new Request(`https://${host}/`) as Parameters<typeof dispatcher.fetch>[0], dispatchEnv as DispatchEnv);

it("hands out and serves tenant URLs on the tenant domain, not the platform's", async () => {
	const t = await newTenant();
	const name = uniqueName();
	const body = uploadForm([{ name: "index.js", content: hello("on its own domain") }], { main_module: "index.js" });
	const res = await callApi(`/v1/scripts/${name}`, { method: "PUT", headers: { authorization: `Bearer ${t.token}` }, body });
	expect(res.status).toBe(200);
	const answer = await json(res);
	expect(answer.url).toBe(`https://${name}.ferry-apps.example/`);
	expect(answer.preview_url).toBe(`https://${answer.deployment.id}--${name}.ferry-apps.example/`);
	const listed = await json(await callApi("/v1/scripts", { headers: { authorization: `Bearer ${t.token}` } }));
	expect(listed.scripts.find((s: { name: string }) => s.name === name).url).toBe(answer.url);

	expect(await (await visit(`${name}.ferry-apps.example`)).text()).toBe("on its own domain");
	expect(await (await visit(`${answer.deployment.id}--${name}.ferry-apps.example`)).text()).toBe("on its own domain");
	// The same label under the platform's domain is not a tenant host.
	expect((await visit(`${name}.ferry.example`)).status).toBe(404);
	expect((await visit("api.ferry-apps.example")).status).toBe(404);
});
