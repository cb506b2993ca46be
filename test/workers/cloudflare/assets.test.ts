/**
 * A deployment's static assets on Workers for Platforms, against the fake Cloudflare API: Cloudflare's
 * assets upload session (manifest, buckets by the session's JWT, completion token in the script's
 * metadata), and tenants kept apart in an account-wide asset store.
 */
import { describe, expect, it } from "vitest";
import { cloudflareAssetHash } from "../../../workers/api/src/publish/dispatch-namespace/assets";
import { base64Of, deployWithAssets, hashOf, uploadAssets } from "../assets";
import { hello, uniqueName } from "../platform";
import { cloudflareTestPlatform, type DeploymentView } from "./support";

const { p, cloudflare } = cloudflareTestPlatform();

describe("static assets", () => {
	const files = {
		"/index.html": { content: "<h1>home</h1>" },
		"/app.js": { content: "console.log(1)" },
		"/logo.bin": { content: new Uint8Array([0, 1, 2, 255]), type: "application/null" },
	};
	const call = p.api.bind(p);

	it("go up with the namespace script through Cloudflare's upload session: manifest, buckets by the session's JWT, completion token in the metadata", async () => {
		const tenant = await p.newTenant();
		const name = uniqueName("cf");
		const { jwt } = await uploadAssets(tenant.token, name, files, call);
		const res = await deployWithAssets(
			tenant.token,
			name,
			jwt,
			{ worker: hello("w"), binding: "ASSETS", config: { not_found_handling: "404-page" } },
			call,
		);
		const body = await res.json<{ deployment: DeploymentView }>();
		expect(res.status, JSON.stringify(body)).toBe(200);
		const id = body.deployment.id;
		const base = `/client/v4/accounts/${cloudflare.info.accountId}/workers`;
		const requests = await cloudflare.requests({ script: id });
		const session = requests.find((r) => r.path.endsWith("/assets-upload-session"))!;
		expect(session).toMatchObject({
			method: "POST",
			path: `${base}/dispatch/namespaces/${cloudflare.info.namespace}/scripts/${id}/assets-upload-session`,
			authorization: `Bearer ${cloudflare.info.apiToken}`,
			status: 200,
		});
		const upload = (await cloudflare.requests({})).find((r) => r.path === `${base}/assets/upload` && r.at >= session.at)!;
		expect(upload.status).toBe(201);
		expect(upload.authorization).not.toBe(`Bearer ${cloudflare.info.apiToken}`);
		expect(upload.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
		const cfHash = (path: keyof typeof files) => cloudflareAssetHash(tenant.id, hashOf(path, files[path].content));
		expect(upload.parts.map((part) => [part.name, part.type]).sort()).toEqual(
			[
				[await cfHash("/index.html"), "text/html; charset=utf-8"],
				[await cfHash("/app.js"), "text/javascript; charset=utf-8"],
				[await cfHash("/logo.bin"), "application/null"],
			].sort(),
		);
		const script = (await cloudflare.script(id))!;
		expect(script.metadata.assets?.config).toEqual({
			html_handling: "auto-trailing-slash",
			not_found_handling: "404-page",
			run_worker_first: false,
		});
		expect(script.metadata.bindings).toContainEqual({ type: "assets", name: "ASSETS" });
		expect(script.assets).toEqual({
			"/index.html": await cfHash("/index.html"),
			"/app.js": await cfHash("/app.js"),
			"/logo.bin": await cfHash("/logo.bin"),
		});
		const logo = await cloudflare.asset(await cfHash("/logo.bin"));
		expect(logo).toEqual({ base64: base64Of(new Uint8Array([0, 1, 2, 255])), contentType: null });
		// The Worker still runs behind Cloudflare's asset serving.
		expect(await (await p.visit(`${name}.localhost`, "/dynamic")).text()).toBe("w");
	});

	it("keep tenants apart on Cloudflare too: identical bytes of another tenant are other hashes, uploaded again; an assets-only script has no module", async () => {
		const a = await p.newTenant();
		const b = await p.newTenant();
		const deployFor = async (tenant: { token: string }) => {
			const name = uniqueName("cf");
			const { jwt } = await uploadAssets(tenant.token, name, files, call);
			const res = await deployWithAssets(tenant.token, name, jwt, {}, call);
			expect(res.status).toBe(200);
			return (await res.json<{ deployment: DeploymentView }>()).deployment.id;
		};
		const [first, second] = [await deployFor(a), await deployFor(b)];
		const [scriptA, scriptB] = [(await cloudflare.script(first))!, (await cloudflare.script(second))!];
		expect(scriptA.modules).toEqual([]);
		expect(scriptA.metadata.main_module).toBeUndefined();
		expect(scriptA.metadata.assets?.config).toEqual({ html_handling: "auto-trailing-slash", not_found_handling: "none" });
		expect(Object.values(scriptA.assets!).some((hash) => Object.values(scriptB.assets!).includes(hash))).toBe(false);
		// A's second deployment of the same files: Cloudflare holds them, nothing is uploaded.
		const again = await deployFor(a);
		const requests = await cloudflare.requests({ script: again });
		expect(requests.map((r) => r.path.split("/").pop())).toEqual(["assets-upload-session", again]);
	});
});
