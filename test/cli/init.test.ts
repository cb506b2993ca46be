/** ferry init: every template is a project that ferry deploy deploys unchanged. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type Cli, newTenant, scriptUrl, tempDir, uniqueName, visit } from "./support.ts";

let cli: Cli;
beforeAll(async () => {
	({ cli } = await newTenant("init"));
});

describe("ferry init", () => {
	it.each(["ts", "js"])("creates a %s project that deploys as it is", async (template) => {
		const parent = tempDir();
		const name = uniqueName(`init-${template}`);
		const out = await cli.ok(["init", name, "--template", template], { cwd: parent });
		expect(out).toContain(`Created ${name} (${template} template) in ${name}`);
		expect(out).toContain(`cd ${name}\n  ferry deploy`);
		const dir = path.join(parent, name);
		expect(readFileSync(path.join(dir, "wrangler.jsonc"), "utf8")).toContain(`"name": "${name}"`);
		expect(existsSync(path.join(dir, `src/index.${template}`))).toBe(true);

		await cli.ok(["deploy"], { cwd: dir });
		expect(await visit(`${scriptUrl(name)}docs`)).toEqual({ status: 200, text: "Hello from Ferry! You asked for /docs\n" });
	});

	it("creates a Hono project, installs its dependency with npm, and it deploys", async () => {
		const parent = tempDir();
		const name = uniqueName("init-hono");
		const result = await cli.json(["init", name, "--template", "hono"], { cwd: parent });
		expect(result).toMatchObject({ name, template: "hono", installed: true });
		const dir = path.join(parent, name);
		expect(existsSync(path.join(dir, "node_modules", "hono", "package.json"))).toBe(true);

		await cli.ok(["deploy", "--var", "GREETING:Hej"], { cwd: dir });
		expect((await visit(scriptUrl(name))).text).toBe("Hej from Hono on Ferry!\n");
		expect(JSON.parse((await visit(`${scriptUrl(name)}api/time`)).text).now).toMatch(/^\d{4}-/);
	});

	it("names the script after the directory, or --name", async () => {
		const parent = tempDir();
		const named = await cli.json(["init", "My Site!", "--template", "js"], { cwd: parent });
		expect(named.name).toBe("my-site");
		const explicit = await cli.json(["init", "other", "--name", "custom-name", "--skip-install"], { cwd: parent });
		expect(explicit).toMatchObject({ name: "custom-name", installed: false });
	});

	it("refuses a non-empty directory and a name that cannot be a script name", async () => {
		const parent = tempDir();
		mkdirSync(path.join(parent, "full"));
		writeFileSync(path.join(parent, "full", "keep.txt"), "mine");
		const full = await cli.run(["init", "full"], { cwd: parent });
		expect(full.code).toBe(1);
		expect(full.stderr).toBe("✘ full already exists and is not empty: pick a new directory\n");
		expect(readFileSync(path.join(parent, "full", "keep.txt"), "utf8")).toBe("mine");

		const reserved = await cli.run(["init", "api"], { cwd: parent });
		expect(reserved.code).toBe(1);
		expect(reserved.stderr).toBe("✘ 'api' cannot be a script name: 'api' is reserved by the platform; pass --name\n");
		expect(existsSync(path.join(parent, "api"))).toBe(false);
	});
});
