/**
 * Cron triggers from the CLI (docs/cron.md): `[triggers] crons` travels with `ferry deploy` and
 * replaces the script's; bad crons are one line before bundling; `ferry schedules list` shows them.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type Cli, newTenant, project, uniqueName } from "./support.ts";

let cli: Cli;
beforeAll(async () => {
	({ cli } = await newTenant("cron"));
});

const SCHEDULED = "export default { fetch: () => new Response('hi'), scheduled(controller) { console.log(controller.cron); } };\n";

const cronProject = (name: string, triggers: unknown, source = SCHEDULED) =>
	project({
		"wrangler.jsonc": JSON.stringify({ name, main: "src/index.js", compatibility_date: "2026-11-01", ...(triggers ? { triggers } : {}) }),
		"src/index.js": source,
	});

describe("ferry deploy with [triggers] crons", () => {
	it("sets the script's crons; a config without [triggers] keeps them; crons = [] removes them", async () => {
		const name = uniqueName("cron");
		await cli.ok(["deploy"], { cwd: cronProject(name, { crons: ["*/5 * * * *", "0 3 * * mon"] }) });
		const listed = await cli.json<{ schedules: { cron: string; last_run: unknown }[] }>(["schedules", "list", name]);
		expect(listed.schedules).toMatchObject([
			{ cron: "*/5 * * * *", last_run: null },
			{ cron: "0 3 * * mon", last_run: null },
		]);
		const table = await cli.ok(["schedules", "list", name]);
		expect(table).toMatch(/CRON\s+LAST RUN\s+OUTCOME\s+DURATION/);
		expect(table).toMatch(/\*\/5 \* \* \* \*\s+never/);

		await cli.ok(["deploy"], { cwd: cronProject(name, undefined) });
		expect((await cli.json<{ schedules: unknown[] }>(["schedules", "list", name])).schedules).toHaveLength(2);
		await cli.ok(["deploy"], { cwd: cronProject(name, { crons: [] }) });
		expect(await cli.ok(["schedules", "list", name])).toContain(`${name} has no cron triggers.`);
	});

	it.each([
		[["*/5 * * *"], '"*/5 * * *" has 4 fields'],
		[["0 0 * * 0"], "weekday 0 is out of range"],
		[["1 * * * *", "2 * * * *", "3 * * * *", "4 * * * *", "5 * * * *", "6 * * * *"], "at most 5 cron triggers"],
	])("refuses %j in one line before bundling", async (crons, message) => {
		const { code, stdout, stderr } = await cli.run(["deploy"], { cwd: cronProject(uniqueName("cron"), { crons }) });
		expect(code).toBe(1);
		expect(stdout).toBe("");
		const lines = stderr.trimEnd().split("\n");
		expect(lines).toHaveLength(1);
		expect(lines[0]).toContain("wrangler.jsonc: [triggers] crons: ");
		expect(lines[0]).toContain(message);
	});

	it("fails a deploy whose code has no scheduled handler, saying so", async () => {
		const name = uniqueName("cron");
		const dir = cronProject(name, { crons: ["*/5 * * * *"] }, "export default { fetch: () => new Response('no cron') };\n");
		const { code, stderr } = await cli.run(["deploy"], { cwd: dir });
		expect(code).toBe(1);
		expect(stderr).toContain("failed at the load stage");
		expect(stderr).toContain("has no scheduled handler");
	});
});
