/** What a tenant does after deploying: list, inspect, roll back, delete; each changes what is served. */
import { beforeAll, describe, expect, it } from "vitest";
import { type Cli, helloProject, newTenant, scriptUrl, uniqueName, uploadDirect, visit } from "./support.ts";

let cli: Cli;
let token: string;
beforeAll(async () => {
	({ cli, token } = await newTenant("manager"));
});

/** Deploys `text` as `name` (through the API: deploy.test.ts covers `ferry deploy`); returns its id and a project directory for it. */
async function deploy(name: string, text: string) {
	return { id: await uploadDirect(token, name, text), dir: helloProject(name, text) };
}

describe("scripts and deployments", () => {
	it("lists scripts and deployments, and shows a deployment with its state events", async () => {
		const name = uniqueName("list");
		const one = await deploy(name, "one");
		const two = await deploy(name, "two");

		const { scripts } = await cli.json(["scripts", "list"]);
		expect(scripts).toContainEqual(expect.objectContaining({ name, live_deployment_id: two.id, url: scriptUrl(name) }));
		expect(await cli.ok(["scripts", "list"])).toMatch(new RegExp(`${name}\\s+${two.id}\\s+${scriptUrl(name).replace(/\./g, "\\.")}`));

		const { deployments } = await cli.json(["deployments", "list", name]);
		expect(deployments.map((d: { id: string; live: boolean }) => [d.id, d.live])).toEqual([
			[two.id, true],
			[one.id, false],
		]);
		// Without a script argument, the project's config names it.
		expect((await cli.json(["deployments", "list"], { cwd: one.dir })).deployments).toHaveLength(2);
		expect(await cli.ok(["deployments", "list", name, "--limit", "1"])).not.toContain(one.id);

		const { deployment } = await cli.json(["deployments", "view", one.id]);
		expect(deployment.events.map((e: { to: string }) => e.to)).toEqual(["Queued", "Built", "Loaded", "Deployed"]);
		const view = await cli.ok(["deployments", "view", one.id]);
		expect(view).toContain(`Deployment ${one.id} of ${name}: Deployed`);
		for (const state of ["Queued", "Built", "Loaded", "Deployed"]) expect(view).toMatch(new RegExp(`\\n${state}\\s+\\d{4}-\\d{2}-\\d{2} `));
	});

	it("rolls back to the previous deployment, or to --to, and that is what is served", async () => {
		const name = uniqueName("rollback");
		const v1 = await deploy(name, "v1");
		const v2 = await deploy(name, "v2");
		await deploy(name, "v3");
		expect((await visit(scriptUrl(name))).text).toBe("v3");

		// From the project directory, without naming the script.
		expect(await cli.ok(["rollback"], { cwd: v2.dir })).toContain(`${name} now serves deployment ${v2.id}`);
		expect((await visit(scriptUrl(name))).text).toBe("v2");

		const back = await cli.json(["rollback", name, "--to", v1.id]);
		expect(back).toMatchObject({ deployment: { id: v1.id }, previous_deployment_id: v2.id });
		expect((await visit(scriptUrl(name))).text).toBe("v1");

		const nothingBefore = await cli.run(["rollback", name]);
		expect(nothingBefore.code).toBe(1);
		expect(nothingBefore.stderr).toContain("→ 409 no_previous_deployment");
	});

	it("needs a script name outside a project", async () => {
		const { code, stderr } = await cli.run(["deployments", "list"]);
		expect(code).toBe(1);
		expect(stderr).toBe(
			"✘ no wrangler.toml or wrangler.jsonc here: name the script (ferry deployments list <script>) or run this in the Worker project\n",
		);
	});

	it("deletes only with confirmation; then the URL stops answering", async () => {
		const name = uniqueName("delete");
		await deploy(name, "doomed");

		const refused = await cli.run(["scripts", "delete", name]);
		expect(refused.code).toBe(1);
		expect(refused.stderr).toBe(`✘ deleting '${name}' needs confirmation: pass --yes\n`);

		const declined = await cli.run(["scripts", "delete", name], { tty: true, answers: { "[y/N]: ": "n" } });
		expect(declined.code).toBe(130);
		expect(declined.stderr).toContain(`kept '${name}': nothing was deleted`);
		expect((await visit(scriptUrl(name))).text).toBe("doomed");

		const confirmed = await cli.run(["scripts", "delete", name], { tty: true, answers: { "[y/N]: ": "y" } });
		expect(confirmed.code).toBe(0);
		expect(confirmed.stdout).toContain(`Deleted ${name}`);
		expect((await visit(scriptUrl(name))).status).toBe(404);
		expect((await cli.json(["scripts", "list"])).scripts.map((s: { name: string }) => s.name)).not.toContain(name);

		const again = await cli.run(["scripts", "delete", name, "--yes"]);
		expect(again.code).toBe(1);
		expect(again.stderr).toContain(`script '${name}' not found`);
	});

	it("never shows another tenant's scripts", async () => {
		const name = uniqueName("private");
		await deploy(name, "mine");
		const { cli: other } = await newTenant("other");
		expect((await other.json(["scripts", "list"])).scripts).toEqual([]);
		const peek = await other.run(["deployments", "list", name]);
		expect(peek.code).toBe(1);
		expect(peek.stderr).toContain("→ 404 not_found");
		expect((await other.run(["scripts", "delete", name, "--yes"])).code).toBe(1);
		expect((await visit(scriptUrl(name))).text).toBe("mine");
	});
});
