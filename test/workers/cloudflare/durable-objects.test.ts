/**
 * Tenants' Durable Objects in production (dispatch namespace, docs/bindings.md): a deployment with
 * classes uploads its code to the script's objects script (`objects-<script id>`) with the
 * migrations that script lacks, `old_tag` its tag as Cloudflare reports it, and binds the classes
 * there by `script_name` in its own namespace script. The fake checks the binding and migration
 * shapes against the documented ones, the tag precondition and that the code exports each class.
 */
import { describe, expect, it } from "vitest";
import { objectsScriptName } from "../../../workers/api/src/publish/dispatch-namespace/durable-objects";
import { scriptMetadataSchema } from "../../support/cloudflare-api/schema";
import { uniqueName } from "../platform";
import { cloudflareTestPlatform, scriptIdOf } from "./support";

const { p, cloudflare, deploy } = cloudflareTestPlatform();

const source = (classes: string[]) =>
	`import { DurableObject } from "cloudflare:workers";
${classes.map((name) => `export class ${name} extends DurableObject { hi() { return "${name}"; } }`).join("\n")}
export default { fetch: () => new Response("ok") };`;

const objects = (classes: string[], bound = classes) => ({
	bindings: bound.map((name) => ({ type: "durable_object_namespace", name: name.toUpperCase(), class_name: name })),
	migrations: { new_tag: `v${classes.length}`, steps: classes.map((name) => ({ new_sqlite_classes: [name] })) },
});

async function uploads(script: string) {
	return (await cloudflare.requests({ script })).filter((r) => r.method === "PUT").map((r) => scriptMetadataSchema.parse(r.metadata));
}

describe("Durable Objects on Cloudflare", () => {
	it("live in the script's objects script, migrated once per new class, and are bound by script_name", async () => {
		const tenant = await p.newTenant();
		const name = uniqueName("cf-do");
		const first = await deploy(tenant.token, name, source(["Counter"]), objects(["Counter"]));
		expect(first.status).toBe(200);
		const objectsScript = objectsScriptName(await scriptIdOf(name));

		const [own] = await uploads(first.deployment.id);
		expect(own!.bindings).toEqual([
			{ type: "durable_object_namespace", name: "COUNTER", class_name: "Counter", script_name: objectsScript },
		]);
		expect(own!.migrations).toBeUndefined();
		const [firstObjects] = await uploads(objectsScript);
		expect(firstObjects!.bindings).toEqual([{ type: "durable_object_namespace", name: "COUNTER", class_name: "Counter" }]);
		expect(firstObjects!.migrations).toEqual({ new_tag: "ferry-1", steps: [{ new_sqlite_classes: ["Counter"] }] });
		expect(firstObjects!.tags).toEqual(own!.tags);

		// A redeploy with the same class migrates nothing; a second class is one step after the tag Cloudflare reports.
		expect((await deploy(tenant.token, name, source(["Counter"]), objects(["Counter"]))).status).toBe(200);
		const third = await deploy(tenant.token, name, source(["Counter", "Room"]), objects(["Counter", "Room"]));
		expect(third.status).toBe(200);
		const all = await uploads(objectsScript);
		expect(all.map((m) => m.migrations)).toEqual([
			{ new_tag: "ferry-1", steps: [{ new_sqlite_classes: ["Counter"] }] },
			undefined,
			{ old_tag: "ferry-1", new_tag: "ferry-2", steps: [{ new_sqlite_classes: ["Room"] }] },
		]);
		const gets = (await cloudflare.requests({ script: objectsScript })).filter((r) => r.method === "GET");
		expect(gets.map((r) => r.status)).toEqual([404, 200, 200]);
	});

	it("keep two tenants' equal classes apart: each script has its own objects script", async () => {
		const a = await p.newTenant();
		const b = await p.newTenant();
		const aName = uniqueName("cf-do");
		const bName = uniqueName("cf-do");
		expect((await deploy(a.token, aName, source(["Counter"]), objects(["Counter"]))).status).toBe(200);
		expect((await deploy(b.token, bName, source(["Counter"]), objects(["Counter"]))).status).toBe(200);
		expect(objectsScriptName(await scriptIdOf(aName))).not.toBe(objectsScriptName(await scriptIdOf(bName)));
	});

	it("fail at the load stage when the code does not export a class its migrations create, with Cloudflare's message", async () => {
		const tenant = await p.newTenant();
		const failed = await deploy(tenant.token, uniqueName("cf-do"), source([]), objects(["Counter"]));
		expect(failed.status).toBe(422);
		expect(failed.deployment.error).toMatchObject({ stage: "load" });
		expect(failed.deployment.error!.message).toContain("class 'Counter' that is not exported by script");
	});
});
