/**
 * The local platform as a user runs it: `npm run dev` in its own process, driven over real HTTP on
 * *.localhost (create a tenant → deploy → invoke → redeploy → preview → rollback → delete). The
 * project's shared platform (./global-setup.ts), as another tenant of it.
 */
import { expect, it } from "vitest";
import { loopbackFetch } from "../../loopback/index.ts";
import { sharedDevServer } from "./shared.ts";

const { api, at, adminToken: ADMIN } = sharedDevServer();

function upload(source: string): FormData {
	const form = new FormData();
	form.set("metadata", JSON.stringify({ main_module: "worker.js", compatibility_date: "2026-11-01" }));
	form.set("worker.js", new File([source], "worker.js", { type: "application/javascript+module" }));
	return form;
}

const hello = (text: string) => `export default { fetch: () => new Response(${JSON.stringify(text)}) };`;

it("creates a tenant, deploys, invokes, redeploys, previews, rolls back and deletes over HTTP", async () => {
	const created = await loopbackFetch(`${api}/v1/tenants`, {
		method: "POST",
		headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
		body: JSON.stringify({ name: "e2e" }),
	});
	expect(created.status).toBe(201);
	const token = ((await created.json()) as { token: { token: string } }).token.token;
	const auth = { authorization: `Bearer ${token}` };

	const deploy = async (text: string) => {
		const res = await loopbackFetch(`${api}/v1/scripts/hello`, { method: "PUT", headers: auth, body: upload(hello(text)) });
		expect(res.status).toBe(200);
		return (await res.json()) as { url: string; preview_url: string; deployment: { id: string } };
	};

	const v1 = await deploy("v1");
	expect(v1.url).toBe(at("hello"));
	expect(await (await loopbackFetch(v1.url)).text()).toBe("v1");

	const v2 = await deploy("v2");
	expect(await (await loopbackFetch(at("hello"))).text()).toBe("v2");
	expect(await (await loopbackFetch(v1.preview_url)).text()).toBe("v1");

	const rollback = await loopbackFetch(`${api}/v1/scripts/hello/rollback`, { method: "POST", headers: auth });
	expect(rollback.status).toBe(200);
	expect(await (await loopbackFetch(at("hello"))).text()).toBe("v1");
	expect(await (await loopbackFetch(v2.preview_url)).text()).toBe("v2");

	const deleted = await loopbackFetch(`${api}/v1/scripts/hello`, { method: "DELETE", headers: auth });
	expect(deleted.status).toBe(200);
	expect((await loopbackFetch(at("hello"))).status).toBe(404);
});

it("hands tenant code a request as Miniflare would: request.cf, CF-Connecting-IP, and its own cf-ray whatever the client sent", async () => {
	const created = await loopbackFetch(`${api}/v1/tenants`, {
		method: "POST",
		headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
		body: JSON.stringify({ name: "e2e-request" }),
	});
	const token = ((await created.json()) as { token: { token: string } }).token.token;
	const echo = `export default { fetch: (request) => Response.json({ country: request.cf?.country ?? null, colo: request.cf?.colo ?? null, ip: request.headers.get("cf-connecting-ip"), ray: request.headers.get("cf-ray") }) };`;
	const deployed = await loopbackFetch(`${api}/v1/scripts/request-echo`, {
		method: "PUT",
		headers: { authorization: `Bearer ${token}` },
		body: upload(echo),
	});
	expect(deployed.status).toBe(200);

	const seen = async () =>
		(await (await loopbackFetch(at("request-echo"), { headers: { "cf-ray": "chosen-by-client" } })).json()) as Record<
			string,
			string | null
		>;
	const [first, second] = [await seen(), await seen()];
	expect(first).toMatchObject({ country: "US", colo: "DFW", ip: "127.0.0.1" });
	expect(first.ray).toMatch(/^[a-z0-9]{16}$/);
	expect(second.ray).toMatch(/^[a-z0-9]{16}$/);
	expect(second.ray).not.toBe(first.ray);
});
