/**
 * Deleting a Ferry script's namespace scripts: one delete-by-tag call however many deployments it had
 * (Cloudflare's rate limit never trips on one tenant), an empty answer counts as done, a 404 counts as
 * "already gone" only when Cloudflare says the Worker does not exist, and a failure is the operator's
 * to clean up, never the tenant's delete that fails.
 */
import { describe, expect, it } from "vitest";
import { hello, uniqueName } from "../platform";
import { builtDeployment, captureLogs, cloudflareError, cloudflareTestPlatform, directPublisher, scriptIdOf } from "./support";

const { p, cloudflare, deploy, liveScript } = cloudflareTestPlatform();

describe("deleting a script", () => {
	it("deletes the namespace script of every deployment it uploaded in one call, by the script's tag; Cloudflare answers with no body", async () => {
		const { tenant, name, scriptId } = await liveScript(hello("v1"));
		await deploy(tenant.token, name, hello("v2"));
		await cloudflare.fail({ method: "PUT", tag: `name-${name}`, responses: [cloudflareError(400, 10021, "nope")] });
		await deploy(tenant.token, name, hello("refused"));
		const uploaded = await cloudflare.scriptsTagged(`script-${scriptId}`);
		expect(uploaded).toHaveLength(2);
		const errors = captureLogs("error");
		expect((await p.api(`/v1/scripts/${name}`, { method: "DELETE", token: tenant.token })).status).toBe(200);
		expect(await cloudflare.scriptsTagged(`script-${scriptId}`)).toEqual([]);
		const deletes = (await cloudflare.requests({ tag: `script-${scriptId}` })).filter((r) => r.method === "DELETE");
		expect(deletes).toMatchObject([
			{
				path: `/client/v4/accounts/${cloudflare.info.accountId}/workers/dispatch/namespaces/${cloudflare.info.namespace}/scripts`,
				query: `?tags=${encodeURIComponent(`script-${scriptId}:yes`)}`,
				status: 200,
			},
		]);
		expect(errors()).toEqual([]);
	});

	it("stays within Cloudflare's rate limit however many deployments a script has: one call, not one per deployment", async () => {
		const tenant = await p.newTenant();
		const name = uniqueName("cf");
		for (let i = 0; i < 6; i++) expect((await deploy(tenant.token, name, hello(`v${i}`))).status).toBe(200);
		const scriptId = await scriptIdOf(name);
		expect(await cloudflare.scriptsTagged(`script-${scriptId}`)).toHaveLength(6);
		// A token with two calls left: one per deployment would be locked out at the third.
		const token = await cloudflare.token({ quota: 2, windowSeconds: 300 });
		await directPublisher(cloudflare, { token }).remove({ id: scriptId, name }, ["a", "b", "c", "d", "e", "f"]);
		expect(await cloudflare.scriptsTagged(`script-${scriptId}`)).toEqual([]);
	});

	it("finishes the delete when Cloudflare fails, and logs the tag and scripts left in the namespace for the operator", async () => {
		const { tenant, name, scriptId, first } = await liveScript(hello("v1"));
		// Every attempt fails (Retry-After 0 keeps the test from waiting out the backoff).
		await cloudflare.fail({
			method: "DELETE",
			tag: `script-${scriptId}`,
			responses: Array.from({ length: 4 }, () => ({ status: 500, headers: { "retry-after": "0" } })),
		});
		const errors = captureLogs("error");
		expect((await p.api(`/v1/scripts/${name}`, { method: "DELETE", token: tenant.token })).status).toBe(200);
		expect((await p.visit(`${name}.localhost`)).status).toBe(404);
		expect(errors().find((l) => l.scriptName === name)).toMatchObject({
			message: "could not delete the namespace scripts of a deleted script; delete them by tag",
			namespace: cloudflare.info.namespace,
			tag: `script-${scriptId}`,
			namespaceScripts: [first.id],
		});
	});

	it("counts a 404 as done only when Cloudflare says the Worker does not exist; a wrong namespace is logged", async () => {
		const built = await builtDeployment(hello("x"));
		const errors = captureLogs("error");
		await cloudflare.fail({
			method: "DELETE",
			tag: `script-${built.scriptId}`,
			responses: [cloudflareError(404, 10007, "This Worker does not exist on your account.")],
		});
		await directPublisher(cloudflare).remove({ id: built.scriptId, name: "gone" }, ["x"]);
		expect(errors()).toEqual([]);
		await directPublisher(cloudflare, { namespace: "not-the-namespace" }).remove({ id: built.scriptId, name: "elsewhere" }, ["x"]);
		expect(errors()).toMatchObject([{ scriptName: "elsewhere", namespace: "not-the-namespace", tag: `script-${built.scriptId}` }]);
		expect(JSON.stringify(errors())).toContain("404");
	});

	it("makes no call for a script that never sent a deployment", async () => {
		const built = await builtDeployment(hello("x"));
		await directPublisher(cloudflare).remove({ id: built.scriptId, name: "never-built" }, []);
		expect(await cloudflare.requests({ tag: `script-${built.scriptId}` })).toEqual([]);
	});
});

describe("releasing a name that never served", () => {
	it("deletes the namespace scripts the failed deployments may have left, by the released script's tag", async () => {
		const [first, second] = [await p.newTenant(), await p.newTenant()];
		const name = uniqueName("cf");
		// Every attempt gets a 5xx: the upload may or may not have been stored, as far as Ferry knows.
		await cloudflare.fail({
			method: "PUT",
			tag: `name-${name}`,
			responses: Array.from({ length: 4 }, () => ({ status: 500, headers: { "retry-after": "0" } })),
		});
		const failed = await deploy(first.token, name, hello("never served"));
		expect(failed.deployment.error?.stage).toBe("load");
		const [upload] = await cloudflare.requests({ script: failed.deployment.id });
		const releasedTag = upload!.tags.find((t) => t.startsWith("script-"))!;
		const claimed = await deploy(second.token, name, hello("second's"));
		expect(claimed.status).toBe(200);
		await expect.poll(async () => (await cloudflare.requests({ tag: releasedTag })).filter((r) => r.method === "DELETE").length).toBe(1);
		expect(await (await p.visit(`${name}.localhost`)).text()).toBe("second's");
		expect(await cloudflare.script(claimed.deployment.id)).not.toBeNull();
	});
});
