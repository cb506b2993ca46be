/**
 * Tenants' R2 buckets in production (dispatch namespace, docs/bindings.md): the publisher creates one
 * R2 bucket of the account per tenant bucket through the API (checked by the fake against the
 * documented shape and R2's naming rules), named by r2BucketName, records it, binds it in the
 * namespace script's metadata as `{type: "r2_bucket", name, bucket_name}`, and reuses it (also one
 * an interrupted upload created). Another tenant's equal name is another bucket.
 */
import { describe, expect, it } from "vitest";
import { r2BucketName } from "../../../workers/api/src/publish/dispatch-namespace/resources";
import { R2_BUCKET_NAME } from "../../support/cloudflare-api/schema";
import { hello, uniqueName } from "../platform";
import { cloudflareTestPlatform, productionId } from "./support";

const { p, cloudflare, deploy, uploadedBindings, creations } = cloudflareTestPlatform();

const R2 = (bucket_name = "assets") => ({ bindings: [{ type: "r2_bucket", name: "ASSETS", bucket_name }] });

const bucketCalls = () => creations("/r2/buckets");

const productionOf = (tenantId: string, name: string) => productionId("r2_bucket", tenantId, name);

describe("R2 buckets on Cloudflare", () => {
	it("are created once per tenant bucket, under an R2 name, and bound in every upload", async () => {
		const tenant = await p.newTenant();
		const name = uniqueName("cf-r2");
		const before = (await bucketCalls()).length;
		const first = await deploy(tenant.token, name, hello("v1"), R2());
		expect(first.status).toBe(200);
		const bucket = await r2BucketName(tenant.id, "assets");
		expect(bucket).toMatch(R2_BUCKET_NAME);
		expect(bucket).toMatch(/^ferry-assets-[0-9a-f]{24}$/);
		expect(await cloudflare.r2Buckets()).toContain(bucket);
		expect(await productionOf(tenant.id, "assets")).toBe(bucket);
		expect(await uploadedBindings(first.deployment.id)).toEqual([{ type: "r2_bucket", name: "ASSETS", bucket_name: bucket }]);
		const calls = await bucketCalls();
		expect(calls.slice(before).map((r) => [r.method, r.status, r.contentType])).toEqual([["POST", 200, "application/json"]]);

		const second = await deploy(tenant.token, name, hello("v2"), R2());
		expect(await uploadedBindings(second.deployment.id)).toEqual([{ type: "r2_bucket", name: "ASSETS", bucket_name: bucket }]);
		expect((await bucketCalls()).length).toBe(calls.length);
	});

	it("are the tenant's own, and names R2 refuses still map to R2 names", async () => {
		const a = await p.newTenant();
		const b = await p.newTenant();
		const aDeploy = await deploy(a.token, uniqueName("cf-r2"), hello("a"), R2());
		const bDeploy = await deploy(b.token, uniqueName("cf-r2"), hello("b"), R2());
		const [aBinding] = (await uploadedBindings(aDeploy.deployment.id)) as { bucket_name: string }[];
		const [bBinding] = (await uploadedBindings(bDeploy.deployment.id)) as { bucket_name: string }[];
		expect(aBinding!.bucket_name).not.toBe(bBinding!.bucket_name);
		// a's Cloudflare bucket name is just a name in b's space (it has no '-' limit problem): b's own bucket.
		const guessed = await deploy(b.token, uniqueName("cf-r2"), hello("g"), R2(aBinding!.bucket_name));
		expect(guessed.status).toBe(200);
		const [guessedBinding] = (await uploadedBindings(guessed.deployment.id)) as { bucket_name: string }[];
		expect(guessedBinding!.bucket_name).not.toBe(aBinding!.bucket_name);
		// Upper case, '_' and a name of one character are R2 names once mapped; Assets and assets stay apart.
		for (const tenantName of ["My_Bucket", "x", "Assets", "-_-"]) expect(await r2BucketName(a.id, tenantName)).toMatch(R2_BUCKET_NAME);
		expect(await r2BucketName(a.id, "Assets")).not.toBe(await r2BucketName(a.id, "assets"));
	});

	it("reuse a bucket an interrupted upload created (Cloudflare's 10004)", async () => {
		const tenant = await p.newTenant();
		const bucket = await r2BucketName(tenant.id, "assets");
		const res = await fetch(`${cloudflare.info.url}/accounts/${cloudflare.info.accountId}/r2/buckets`, {
			method: "POST",
			headers: { authorization: `Bearer ${cloudflare.info.apiToken}`, "content-type": "application/json" },
			body: JSON.stringify({ name: bucket }),
		});
		expect(res.status).toBe(200);
		const deployed = await deploy(tenant.token, uniqueName("cf-r2"), hello("v1"), R2());
		expect(deployed.status).toBe(200);
		expect(await uploadedBindings(deployed.deployment.id)).toEqual([{ type: "r2_bucket", name: "ASSETS", bucket_name: bucket }]);
		expect(await productionOf(tenant.id, "assets")).toBe(bucket);
	});

	it("the fake refuses what Cloudflare refuses: a bad bucket name, a binding to a bucket the account lacks", async () => {
		const post = (body: unknown) =>
			fetch(`${cloudflare.info.url}/accounts/${cloudflare.info.accountId}/r2/buckets`, {
				method: "POST",
				headers: { authorization: `Bearer ${cloudflare.info.apiToken}`, "content-type": "application/json" },
				body: JSON.stringify(body),
			});
		for (const name of ["Upper", "ab", "-start", "a".repeat(64)]) expect((await post({ name })).status).toBe(400);
		const form = new FormData();
		form.set(
			"metadata",
			new File(
				[
					JSON.stringify({
						main_module: "index.js",
						compatibility_date: "2026-11-01",
						bindings: [{ type: "r2_bucket", name: "B", bucket_name: "nope-nope" }],
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
		expect(((await res.json()) as { errors: unknown[] }).errors).toEqual([
			{ code: 10085, message: "R2 bucket 'nope-nope' not found. Please use a different name and try again." },
		]);
	});
});
