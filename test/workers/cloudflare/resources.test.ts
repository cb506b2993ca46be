/**
 * Tenants' KV namespaces in production (dispatch namespace, docs/bindings.md): the publisher creates
 * one Cloudflare KV namespace per tenant resource through the API (checked by the fake against the
 * documented shape), records its id, binds it in the namespace script's metadata as
 * `{type: "kv_namespace", name, namespace_id}`, reuses it on every later upload, and finds one an
 * interrupted upload created by its title. Another tenant's equal name is another namespace.
 */
import { describe, expect, it } from "vitest";
import { kvNamespaceTitle } from "../../../workers/api/src/publish/dispatch-namespace/resources";
import { hello, uniqueName } from "../platform";
import { cloudflareTestPlatform, productionId } from "./support";

const { p, cloudflare, deploy, uploadedBindings, creations } = cloudflareTestPlatform();

const KV = (namespace_id = "cache") => ({ bindings: [{ type: "kv_namespace", name: "CACHE", namespace_id }] });

const kvCalls = () => creations("/storage/kv/namespaces");

const productionOf = (tenantId: string, name: string) => productionId("kv_namespace", tenantId, name);

describe("KV namespaces on Cloudflare", () => {
	it("are created once per tenant resource, recorded, and bound in every upload", async () => {
		const tenant = await p.newTenant();
		const name = uniqueName("cf-kv");
		const before = (await kvCalls()).length;
		const first = await deploy(tenant.token, name, hello("v1"), KV());
		expect(first.status).toBe(200);
		const namespaces = await cloudflare.kvNamespaces();
		const created = namespaces.find((ns) => ns.title === kvNamespaceTitle(tenant.id, "cache"));
		expect(created?.id).toMatch(/^[0-9a-f]{32}$/);
		expect(await productionOf(tenant.id, "cache")).toBe(created!.id);
		expect(await uploadedBindings(first.deployment.id)).toEqual([{ type: "kv_namespace", name: "CACHE", namespace_id: created!.id }]);
		const calls = await kvCalls();
		expect(calls.slice(before).map((r) => [r.method, r.status, r.contentType])).toEqual([["POST", 200, "application/json"]]);
		expect(calls.at(-1)!.authorization).toBe(`Bearer ${cloudflare.info.apiToken}`);

		// A redeploy, and another script of the tenant binding the same name: the same namespace, no new call.
		const second = await deploy(tenant.token, name, hello("v2"), KV());
		const other = await deploy(tenant.token, uniqueName("cf-kv"), hello("o"), {
			bindings: [{ type: "kv_namespace", name: "STORE", namespace_id: "cache" }],
		});
		expect(await uploadedBindings(second.deployment.id)).toEqual([{ type: "kv_namespace", name: "CACHE", namespace_id: created!.id }]);
		expect(await uploadedBindings(other.deployment.id)).toEqual([{ type: "kv_namespace", name: "STORE", namespace_id: created!.id }]);
		expect((await kvCalls()).length).toBe(calls.length);
	});

	it("are the tenant's own: another tenant's equal name is another Cloudflare namespace", async () => {
		const a = await p.newTenant();
		const b = await p.newTenant();
		const aDeploy = await deploy(a.token, uniqueName("cf-kv"), hello("a"), KV());
		const bDeploy = await deploy(b.token, uniqueName("cf-kv"), hello("b"), KV());
		const [aBinding] = (await uploadedBindings(aDeploy.deployment.id))!;
		const [bBinding] = (await uploadedBindings(bDeploy.deployment.id))!;
		expect(aBinding).toMatchObject({ type: "kv_namespace" });
		expect(bBinding).toMatchObject({ type: "kv_namespace" });
		expect((aBinding as { namespace_id: string }).namespace_id).not.toBe((bBinding as { namespace_id: string }).namespace_id);
		// A name that spells a's Cloudflare id is just a name in b's space: b gets a namespace of its own.
		const guess = (aBinding as { namespace_id: string }).namespace_id;
		const guessed = await deploy(b.token, uniqueName("cf-kv"), hello("g"), KV(guess));
		expect(guessed.status).toBe(200);
		const [guessedBinding] = (await uploadedBindings(guessed.deployment.id))!;
		expect((guessedBinding as { namespace_id: string }).namespace_id).not.toBe(guess);
	});

	it("reuse a namespace an interrupted upload created (found by its title)", async () => {
		const tenant = await p.newTenant();
		// As if an earlier upload had created it and stopped before its id was stored.
		const res = await fetch(`${cloudflare.info.url}/accounts/${cloudflare.info.accountId}/storage/kv/namespaces`, {
			method: "POST",
			headers: { authorization: `Bearer ${cloudflare.info.apiToken}`, "content-type": "application/json" },
			body: JSON.stringify({ title: kvNamespaceTitle(tenant.id, "cache") }),
		});
		const existing = ((await res.json()) as { result: { id: string } }).result.id;
		const deployed = await deploy(tenant.token, uniqueName("cf-kv"), hello("v1"), KV());
		expect(deployed.status).toBe(200);
		expect(await uploadedBindings(deployed.deployment.id)).toEqual([{ type: "kv_namespace", name: "CACHE", namespace_id: existing }]);
		expect(await productionOf(tenant.id, "cache")).toBe(existing);
	});

	it("refuse an upload binding a namespace id the account does not hold (the fake is as strict as Cloudflare)", async () => {
		const res = await fetch(
			`${cloudflare.info.url}/accounts/${cloudflare.info.accountId}/workers/dispatch/namespaces/${cloudflare.info.namespace}/scripts/${uniqueName("cf")}`,
			{
				method: "PUT",
				headers: { authorization: `Bearer ${cloudflare.info.apiToken}` },
				body: (() => {
					const form = new FormData();
					form.set(
						"metadata",
						new File(
							[
								JSON.stringify({
									main_module: "index.js",
									compatibility_date: "2026-11-01",
									bindings: [{ type: "kv_namespace", name: "CACHE", namespace_id: "0".repeat(32) }],
								}),
							],
							"metadata.json",
							{ type: "application/json" },
						),
					);
					form.set("index.js", new File([hello("x")], "index.js", { type: "application/javascript+module" }));
					return form;
				})(),
			},
		);
		expect(res.status).toBe(400);
		expect(((await res.json()) as { errors: unknown[] }).errors).toEqual([
			{ code: 10041, message: `KV namespace '${"0".repeat(32)}' is not valid.` },
		]);
	});
});
