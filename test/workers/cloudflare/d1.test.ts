/**
 * Tenants' D1 databases in production (dispatch namespace, docs/bindings.md): the publisher creates
 * one D1 database of the account per tenant database through the API (checked by the fake against
 * the documented shape), named by d1DatabaseName, records its UUID, binds it in the namespace
 * script's metadata as `{type: "d1", name, id}`, and reuses it (also one an interrupted upload
 * created: Cloudflare's 7502). Another tenant's equal name is another database.
 */
import { describe, expect, it } from "vitest";
import { d1DatabaseName } from "../../../workers/api/src/publish/dispatch-namespace/resources";
import { hello, uniqueName } from "../platform";
import { cloudflareTestPlatform, productionId } from "./support";

const { p, cloudflare, deploy, uploadedBindings, creations } = cloudflareTestPlatform();

const D1 = (id = "main") => ({ bindings: [{ type: "d1", name: "DB", id }] });

const createCalls = () => creations("/d1/database");

const productionOf = (tenantId: string, name: string) => productionId("d1", tenantId, name);

const accountDatabase = async (name: string) => (await cloudflare.d1Databases()).find((db) => db.name === name);

describe("D1 databases on Cloudflare", () => {
	it("are created once per tenant database and bound by UUID in every upload", async () => {
		const tenant = await p.newTenant();
		const name = uniqueName("cf-d1");
		const before = (await createCalls()).length;
		const first = await deploy(tenant.token, name, hello("v1"), D1());
		expect(first.status, JSON.stringify(first)).toBe(200);
		expect(first.deployment.state).toBe("Deployed");
		const database = await accountDatabase(await d1DatabaseName(tenant.id, "main"));
		expect(database?.uuid).toMatch(/^[0-9a-f-]{36}$/);
		expect(await productionOf(tenant.id, "main")).toBe(database!.uuid);
		expect(await uploadedBindings(first.deployment.id)).toEqual([{ type: "d1", name: "DB", id: database!.uuid }]);
		const calls = await createCalls();
		expect(calls.slice(before).map((r) => [r.method, r.status, r.contentType])).toEqual([["POST", 200, "application/json"]]);

		const second = await deploy(tenant.token, name, hello("v2"), D1());
		expect(await uploadedBindings(second.deployment.id)).toEqual([{ type: "d1", name: "DB", id: database!.uuid }]);
		expect((await createCalls()).length).toBe(calls.length);
	});

	it("are the tenant's own: another tenant's equal name, or the account name of one, is another database", async () => {
		const a = await p.newTenant();
		const b = await p.newTenant();
		const aDeploy = await deploy(a.token, uniqueName("cf-d1"), hello("a"), D1());
		const bDeploy = await deploy(b.token, uniqueName("cf-d1"), hello("b"), D1());
		const [aBinding] = (await uploadedBindings(aDeploy.deployment.id)) as { id: string }[];
		const [bBinding] = (await uploadedBindings(bDeploy.deployment.id)) as { id: string }[];
		expect(aBinding!.id).not.toBe(bBinding!.id);
		// a's UUID named in b's upload is just a name in b's space: b's own database.
		const guessed = await deploy(b.token, uniqueName("cf-d1"), hello("g"), D1(aBinding!.id));
		expect(guessed.status).toBe(200);
		const [guessedBinding] = (await uploadedBindings(guessed.deployment.id)) as { id: string }[];
		expect(guessedBinding!.id).not.toBe(aBinding!.id);
		expect(await d1DatabaseName(a.id, "Main")).not.toBe(await d1DatabaseName(a.id, "main"));
	});

	it("reuse a database an interrupted upload created (Cloudflare's 7502, found by its name)", async () => {
		const tenant = await p.newTenant();
		const name = await d1DatabaseName(tenant.id, "main");
		const res = await fetch(`${cloudflare.info.url}/accounts/${cloudflare.info.accountId}/d1/database`, {
			method: "POST",
			headers: { authorization: `Bearer ${cloudflare.info.apiToken}`, "content-type": "application/json" },
			body: JSON.stringify({ name }),
		});
		expect(res.status).toBe(200);
		const { uuid } = ((await res.json()) as { result: { uuid: string } }).result;
		const deployed = await deploy(tenant.token, uniqueName("cf-d1"), hello("v1"), D1());
		expect(deployed.status).toBe(200);
		expect(await uploadedBindings(deployed.deployment.id)).toEqual([{ type: "d1", name: "DB", id: uuid }]);
		expect(await productionOf(tenant.id, "main")).toBe(uuid);
	});

	it("the fake refuses what Cloudflare refuses: a second database of one name, a body that is not the create shape, a binding to a database the account lacks", async () => {
		const post = (body: unknown) =>
			fetch(`${cloudflare.info.url}/accounts/${cloudflare.info.accountId}/d1/database`, {
				method: "POST",
				headers: { authorization: `Bearer ${cloudflare.info.apiToken}`, "content-type": "application/json" },
				body: JSON.stringify(body),
			});
		const name = uniqueName("fake-d1");
		expect((await post({ name })).status).toBe(200);
		const again = await post({ name });
		expect(((await again.json()) as { errors: { code: number }[] }).errors[0]!.code).toBe(7502);
		for (const body of [{}, { name: "" }, { name, title: "x" }, { name, primary_location_hint: "mars" }])
			expect((await post(body)).status).toBe(400);
		const form = new FormData();
		form.set(
			"metadata",
			new File(
				[
					JSON.stringify({
						main_module: "index.js",
						compatibility_date: "2026-11-01",
						bindings: [{ type: "d1", name: "DB", id: crypto.randomUUID() }],
					}),
				],
				"metadata.json",
				{ type: "application/json" },
			),
		);
		form.set("index.js", new File([hello("x")], "index.js", { type: "application/javascript+module" }));
		const res = await fetch(
			`${cloudflare.info.url}/accounts/${cloudflare.info.accountId}/workers/dispatch/namespaces/${cloudflare.info.namespace}/scripts/${uniqueName("cf")}`,
			{ method: "PUT", headers: { authorization: `Bearer ${cloudflare.info.apiToken}` }, body: form },
		);
		expect(res.status).toBe(400);
	});
});
