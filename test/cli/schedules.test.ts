/**
 * Cron triggers from the CLI (docs/cron.md): `[triggers] crons` travels with `ferry deploy` and
 * replaces the script's; bad crons are one line before bundling; `ferry schedules list` shows them.
 * The platform runs with its test clock: a test names the minute the tick runs for (`runMinute`), so
 * no test waits for a real one.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type Cli, newTenant, project, runMinute, uniqueName } from "./support.ts";
import { fromTemplate } from "./templates.ts";

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
		const out = await cli.ok(["deploy"], { cwd: cronProject(name, { crons: ["*/5 * * * *", "0 3 * * mon"] }) });
		expect(out).toMatch(/Crons\s+\*\/5 \* \* \* \*, 0 3 \* \* mon\n/);
		const listed = await cli.json<{ schedules: { cron: string; last_run: unknown }[] }>(["schedules", "list", name]);
		expect(listed.schedules).toMatchObject([
			{ cron: "*/5 * * * *", last_run: null },
			{ cron: "0 3 * * mon", last_run: null },
		]);
		const table = await cli.ok(["schedules", "list", name]);
		expect(table).toMatch(/CRON\s+LAST RUN\s+OUTCOME\s+DURATION/);
		expect(table).toMatch(/\*\/5 \* \* \* \*\s+never/);

		expect(await cli.ok(["deploy"], { cwd: cronProject(name, undefined) })).not.toContain("Crons");
		expect((await cli.json<{ schedules: unknown[] }>(["schedules", "list", name])).schedules).toHaveLength(2);
		expect(await cli.ok(["deploy"], { cwd: cronProject(name, { crons: [] }) })).toMatch(/Crons\s+none \(removed\)/);
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

interface Listed {
	schedules: { cron: string; last_run: { at: string; outcome: string; duration_ms: number; deployment_id: string } | null }[];
}

describe("the minute tick", () => {
	it("create-cloudflare's scheduled template deploys unchanged and its handler runs at a matching minute, with its telemetry record", async () => {
		const name = uniqueName("c3-cron");
		const dir = fromTemplate("scheduled/ts", name);
		const out = await cli.ok(["deploy"], { cwd: dir });
		expect(out).toContain(`Deployed ${name}`);
		const minute = Date.parse("2026-12-02T10:15:00Z");
		const runs = (await runMinute(minute + 42_000)).filter((run) => run.cron === "* * * * *");
		expect(runs.length).toBeGreaterThan(0);
		const listed = await cli.json<Listed>(["schedules", "list", name]);
		expect(listed.schedules).toMatchObject([{ cron: "* * * * *", last_run: { at: "2026-12-02T10:15:00.000Z", outcome: "ok" } }]);
		expect(listed.schedules[0]!.last_run!.duration_ms).toBeGreaterThanOrEqual(0);
		expect(await cli.ok(["schedules", "list", name])).toMatch(/\* \* \* \* \*\s+\S.*\s+ok\s+[\d.]+ ms/);

		// The FerryTail saw a scheduled event: one record, with its cron and the handler's console line.
		let invocations: { event: string; cron: string | null; outcome: string; logs: { message: string }[] }[] = [];
		await expect
			.poll(async () => {
				({ invocations } = await cli.json(["logs", name]));
				return invocations.filter((i) => i.event === "scheduled").length;
			})
			.toBe(1);
		const scheduled = invocations.find((i) => i.event === "scheduled")!;
		expect(scheduled).toMatchObject({ cron: "* * * * *", outcome: "ok" });
		// No network for a tenant without an allow-list: the template's fetch is refused by the egress gate, and it logs "fail".
		expect(scheduled.logs.map((line) => line.message)).toEqual(["trigger fired at * * * * *: fail"]);
	});

	it("fires a cron only at the minutes it names, with controller.cron and scheduledTime, and records a throw as its outcome", async () => {
		const name = uniqueName("cron-time");
		const source = `export default {
	fetch: () => new Response("hi"),
	scheduled(controller) {
		if (controller.cron === "30 2 * * *") throw new Error("nightly failed");
		console.log(controller.cron + " @ " + new Date(controller.scheduledTime).toISOString());
	},
};
`;
		const deployed = await cli.json<{ deployment: { id: string } }>(["deploy"], {
			cwd: cronProject(name, { crons: ["*/5 * * * *", "30 2 * * *"] }, source),
		});
		// Other files' scripts share the platform: only this deployment's runs count here.
		const mine = async (at: string) =>
			(await runMinute(Date.parse(at)))
				.filter((run) => run.deploymentId === deployed.deployment.id)
				.map((run) => run.cron)
				.sort();
		expect(await mine("2026-12-03T02:31:00Z")).toEqual([]);
		expect(await mine("2026-12-03T02:30:10Z")).toEqual(["*/5 * * * *", "30 2 * * *"]);
		expect(await mine("2026-12-03T02:35:59Z")).toEqual(["*/5 * * * *"]);
		const listed = await cli.json<Listed>(["schedules", "list", name]);
		expect(listed.schedules[0]!.last_run).toMatchObject({ at: "2026-12-03T02:35:00.000Z", outcome: "ok" });
		expect(listed.schedules[1]!.last_run).toMatchObject({ at: "2026-12-03T02:30:00.000Z", outcome: "exception" });
		await expect
			.poll(async () => {
				const { invocations } = await cli.json<{ invocations: { cron: string; logs: { message: string }[] }[] }>(["logs", name]);
				return invocations.flatMap((i) => i.logs.map((line) => line.message));
			})
			.toContain("*/5 * * * * @ 2026-12-03T02:30:00.000Z");
	});
});
