/**
 * Secrets in production (docs/secrets.md): a secret change uploads a new namespace script, the live
 * deployment's code with the script's secrets as `secret_text` bindings in the upload's metadata
 * (checked by the fake Cloudflare API against the documented shape), and the stand-in namespace runs
 * it with them in env. The dispatcher never opens a secret: the namespace script holds them.
 */
import { describe, expect, it } from "vitest";
import { cloudflareTestPlatform } from "./support";

const envEcho = "export default { fetch: (request, env) => Response.json(env) };";

describe("secrets on the dispatch namespace", () => {
	it("uploads the live code again with secret_text bindings, and the namespace script sees them", async () => {
		const { p, cloudflare, liveScript } = cloudflareTestPlatform();
		const { tenant, name, first } = await liveScript(envEcho);
		const res = await p.api(`/v1/scripts/${name}/secrets`, {
			method: "PUT",
			token: tenant.token,
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ name: "API_KEY", text: "in-production" }),
		});
		expect(res.status).toBe(200);
		const { deployment } = (await res.json()) as { deployment: { id: string; state: string } };
		expect(deployment.state).toBe("Deployed");
		const uploaded = await cloudflare.script(deployment.id);
		expect(uploaded?.metadata.bindings).toContainEqual({ type: "secret_text", name: "API_KEY", text: "in-production" });
		// The same modules as the live deployment's upload: nothing rebuilt.
		expect(uploaded?.modules).toEqual((await cloudflare.script(first.id))?.modules);
		expect(await (await p.visit(`${name}.localhost`)).json()).toEqual({ API_KEY: "in-production" });
		// A deploy of new code carries the script's secrets too.
		const next = (await (
			await p.deploy(tenant.token, name, "export default { fetch: (request, env) => Response.json({ ...env, v: 2 }) };")
		).json()) as {
			deployment: { id: string };
		};
		expect((await cloudflare.script(next.deployment.id))?.metadata.bindings).toContainEqual({
			type: "secret_text",
			name: "API_KEY",
			text: "in-production",
		});
	});
});
