/**
 * Cron triggers through the API (docs/cron.md): set by a deploy's `schedules` or by
 * `PUT /v1/scripts/:name/schedules`, listed with their last runs, refused when malformed, too many,
 * without a scheduled handler to run them, or for another tenant's script.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fanOut } from "../../dispatch/src/cron";
import { LIMITS } from "../../workers/shared/limits";
import { dueJobs } from "../../workers/shared/schedules/d1";
import { api, deploy, hello, json, newTenant, uniqueName } from "./platform";

const withScheduled = (text: string) =>
	`export default { fetch() { return new Response(${JSON.stringify(text)}); }, scheduled(controller) { console.log(controller.cron); } };`;

const put = (token: string, name: string, body: unknown) =>
	api(`/v1/scripts/${name}/schedules`, {
		method: "PUT",
		token,
		headers: { "content-type": "application/json" },
		body: JSON.stringify(body),
	});
const crons = async (token: string, name: string) =>
	(await json(await api(`/v1/scripts/${name}/schedules`, { token }))).schedules.map((s: { cron: string }) => s.cron);

describe("a deploy's schedules", () => {
	it("become the script's cron triggers when it goes live; a redeploy without them keeps them, with [] removes them", async () => {
		const t = await newTenant();
		const name = uniqueName();
		const first = await deploy(t.token, name, withScheduled("v1"), { schedules: [{ cron: "*/5 * * * *" }, { cron: "0 0 * * mon" }] });
		expect(first.status).toBe(200);
		const listed = await json(await api(`/v1/scripts/${name}/schedules`, { token: t.token }));
		expect(listed).toMatchObject({ script: name, schedules: [{ cron: "*/5 * * * *", last_run: null }, { cron: "0 0 * * mon" }] });
		expect(typeof listed.schedules[0].created_at).toBe("string");

		expect((await deploy(t.token, name, withScheduled("v2"))).status).toBe(200);
		expect(await crons(t.token, name)).toEqual(["*/5 * * * *", "0 0 * * mon"]);

		expect((await deploy(t.token, name, withScheduled("v3"), { schedules: [{ cron: "0 0 * * mon" }] })).status).toBe(200);
		expect(await crons(t.token, name)).toEqual(["0 0 * * mon"]);

		expect((await deploy(t.token, name, hello("v4"), { schedules: [] })).status).toBe(200);
		expect(await crons(t.token, name)).toEqual([]);
	});

	it("without a scheduled handler fail at Loaded, naming the crons; the live deployment and its crons stay", async () => {
		const t = await newTenant();
		const name = uniqueName();
		const res = await deploy(t.token, name, hello("no handler"), { schedules: [{ cron: "*/5 * * * *" }] });
		expect(res.status).toBe(422);
		const body = await json(res);
		expect(body.error.code).toBe("deployment_failed");
		expect(body.deployment.error.stage).toBe("load");
		expect(body.error.message).toContain('"*/5 * * * *"');
		expect(body.error.message).toContain("no scheduled handler");
		expect(await crons(t.token, name)).toEqual([]);

		// The script's own crons hold a redeploy that names none to the same rule.
		expect((await deploy(t.token, name, withScheduled("v1"), { schedules: [{ cron: "0 * * * *" }] })).status).toBe(200);
		const again = await deploy(t.token, name, hello("v2"));
		expect(again.status).toBe(422);
		expect((await json(again)).error.message).toContain('the script has cron triggers ("0 * * * *")');
		expect(await crons(t.token, name)).toEqual(["0 * * * *"]);
	});

	it("records the handlers the probe found", async () => {
		const t = await newTenant();
		const name = uniqueName();
		const id = (await json(await deploy(t.token, name, withScheduled("v1")))).deployment.id;
		const row = await env.DB.prepare("SELECT handlers FROM deployments WHERE id = ?1").bind(id).first<{ handlers: string }>();
		expect(JSON.parse(row!.handlers)).toEqual(["fetch", "scheduled"]);
	});

	it.each([
		[[{ cron: "bogus" }], "bogus"],
		[[{ cron: "* * * * * *" }], "* * * * * *"],
		[[{ cron: "0 0 * * 0" }], "0 0 * * 0"],
		[Array.from({ length: LIMITS.cronsPerScript + 1 }, (_, i) => ({ cron: `${i} * * * *` })), `at most ${LIMITS.cronsPerScript}`],
	])("refuses %j with 400 invalid_cron before anything is stored", async (schedules, named) => {
		const t = await newTenant();
		const name = uniqueName();
		const res = await deploy(t.token, name, withScheduled("v1"), { schedules });
		expect(res.status).toBe(400);
		const body = await json(res);
		expect(body.error.code).toBe("invalid_cron");
		expect(body.error.message).toContain(named);
		expect((await api(`/v1/scripts/${name}`, { token: t.token })).status).toBe(404);
	});
});

describe("PUT /v1/scripts/:name/schedules", () => {
	it("replaces the script's crons (Cloudflare's shape) and GET lists them", async () => {
		const t = await newTenant();
		const name = uniqueName();
		await deploy(t.token, name, withScheduled("v1"));
		const res = await put(t.token, name, [{ cron: "*/5 * * * *" }, { cron: "30 2 * * *" }]);
		expect(res.status).toBe(200);
		expect((await json(res)).schedules.map((s: { cron: string }) => s.cron)).toEqual(["*/5 * * * *", "30 2 * * *"]);
		expect((await put(t.token, name, [{ cron: "30 2 * * *" }])).status).toBe(200);
		expect(await crons(t.token, name)).toEqual(["30 2 * * *"]);
		expect((await put(t.token, name, [])).status).toBe(200);
		expect(await crons(t.token, name)).toEqual([]);
		const { events } = await json(await api("/v1/events?type=schedules_put", { token: t.token }));
		expect(events.map((e: { script: string; detail: { crons: string } }) => [e.script, JSON.parse(e.detail.crons)])).toEqual([
			[name, []],
			[name, ["30 2 * * *"]],
			[name, ["*/5 * * * *", "30 2 * * *"]],
		]);
	});

	it("refuses bad crons with 400 naming the expression, and crons the live code has no handler for with 409", async () => {
		const t = await newTenant();
		const name = uniqueName();
		await deploy(t.token, name, hello("fetch only"));
		const bad = await put(t.token, name, [{ cron: "*/5 * * *" }]);
		expect(bad.status).toBe(400);
		expect((await json(bad)).error).toMatchObject({ code: "invalid_cron", message: expect.stringContaining('"*/5 * * *"') });
		const tooMany = await put(
			t.token,
			name,
			Array.from({ length: LIMITS.cronsPerScript + 1 }, (_, i) => ({ cron: `${i} * * * *` })),
		);
		expect(tooMany.status).toBe(400);
		expect((await json(tooMany)).error).toMatchObject({
			code: "invalid_cron",
			message: expect.stringContaining(`at most ${LIMITS.cronsPerScript}`),
		});
		const shape = await put(t.token, name, ["*/5 * * * *"]);
		expect(shape.status).toBe(400);
		expect((await json(shape)).error.code).toBe("invalid_request");
		const noHandler = await put(t.token, name, [{ cron: "*/5 * * * *" }]);
		expect(noHandler.status).toBe(409);
		expect((await json(noHandler)).error.message).toContain("no scheduled handler");
		expect(await crons(t.token, name)).toEqual([]);
	});

	it("answers another tenant's script exactly as a missing one", async () => {
		const owner = await newTenant();
		const other = await newTenant();
		const name = uniqueName();
		await deploy(owner.token, name, withScheduled("v1"), { schedules: [{ cron: "*/5 * * * *" }] });
		const theirs = await put(other.token, name, []);
		const missing = await put(other.token, uniqueName("nobody"), []);
		expect(theirs.status).toBe(404);
		expect(missing.status).toBe(404);
		expect((await api(`/v1/scripts/${name}/schedules`, { token: other.token })).status).toBe(404);
		expect(await crons(owner.token, name)).toEqual(["*/5 * * * *"]);
	});
});

describe("rollback and delete", () => {
	it("a rollback keeps the script's crons; one to code without a scheduled handler is refused while it has some", async () => {
		const t = await newTenant();
		const name = uniqueName();
		const plain = (await json(await deploy(t.token, name, hello("v1")))).deployment.id;
		const scheduled = (await json(await deploy(t.token, name, withScheduled("v2"), { schedules: [{ cron: "0 * * * *" }] }))).deployment.id;
		expect((await json(await deploy(t.token, name, withScheduled("v3")))).deployment.id).toBeTruthy();
		const rollback = (deployment_id: string) =>
			api(`/v1/scripts/${name}/rollback`, {
				method: "POST",
				token: t.token,
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ deployment_id }),
			});
		expect((await rollback(scheduled)).status).toBe(200);
		expect(await crons(t.token, name)).toEqual(["0 * * * *"]);
		const refused = await rollback(plain);
		expect(refused.status).toBe(409);
		expect((await json(refused)).error.message).toContain("no scheduled handler");
		expect((await put(t.token, name, [])).status).toBe(200);
		expect((await rollback(plain)).status).toBe(200);
	});

	it("deleting the script deletes its crons", async () => {
		const t = await newTenant();
		const name = uniqueName();
		await deploy(t.token, name, withScheduled("v1"), { schedules: [{ cron: "0 * * * *" }] });
		const { id } = (await env.DB.prepare("SELECT id FROM scripts WHERE name = ?1 AND deleted_at IS NULL")
			.bind(name)
			.first<{ id: string }>())!;
		expect((await api(`/v1/scripts/${name}`, { method: "DELETE", token: t.token })).status).toBe(200);
		expect(await env.DB.prepare("SELECT count(*) AS n FROM schedules WHERE script_id = ?1").bind(id).first("n")).toBe(0);
	});
});

describe("the fan-out (which schedules are due at minute T, each run through the runtime adapter)", () => {
	it("runs the live deployment's scheduled handler for each cron due, records its last run, and leaves the others", async () => {
		const t = await newTenant();
		const name = uniqueName();
		const source = `export default {
			fetch() { return new Response("hi"); },
			scheduled(controller, env) {
				if (controller.cron === "0 3 * * *") throw new Error("nightly failed");
				if (typeof controller.scheduledTime !== "number" || env.MODE !== "prod") throw new Error("not a scheduled event");
			},
		};`;
		const v1 = (
			await json(
				await deploy(t.token, name, source, { vars: { MODE: "prod" }, schedules: [{ cron: "*/15 * * * *" }, { cron: "0 3 * * *" }] }),
			)
		).deployment.id;
		const mine = (jobs: { target: { deploymentId: string }; cron: string }[]) =>
			jobs
				.filter((job) => job.target.deploymentId === v1)
				.map((job) => job.cron)
				.sort();
		expect(mine(await dueJobs(env.DB, Date.parse("2026-12-03T03:01:00Z")))).toEqual([]);
		expect(mine(await dueJobs(env.DB, Date.parse("2026-12-03T03:15:30Z")))).toEqual(["*/15 * * * *"]);
		expect(mine(await dueJobs(env.DB, Date.parse("2026-12-03T03:00:00Z")))).toEqual(["*/15 * * * *", "0 3 * * *"]);

		const runs = (await fanOut(env as unknown as DispatchEnv, Date.parse("2026-12-03T03:00:20Z"))).filter((run) => run.deploymentId === v1);
		expect(runs.map((run) => [run.cron, run.outcome, run.scheduledTime]).sort()).toEqual([
			["*/15 * * * *", "ok", Date.parse("2026-12-03T03:00:00Z")],
			["0 3 * * *", "exception", Date.parse("2026-12-03T03:00:00Z")],
		]);
		const listed = (await json(await api(`/v1/scripts/${name}/schedules`, { token: t.token }))).schedules;
		expect(listed).toMatchObject([
			{ cron: "*/15 * * * *", last_run: { at: "2026-12-03T03:00:00.000Z", outcome: "ok", deployment_id: v1 } },
			{ cron: "0 3 * * *", last_run: { at: "2026-12-03T03:00:00.000Z", outcome: "exception", deployment_id: v1 } },
		]);
	});

	it("follows the live route: a rollback's deployment runs the crons; a deleted script's never run", async () => {
		const t = await newTenant();
		const name = uniqueName();
		const v1 = (await json(await deploy(t.token, name, withScheduled("v1"), { schedules: [{ cron: "* * * * *" }] }))).deployment.id;
		const v2 = (await json(await deploy(t.token, name, withScheduled("v2")))).deployment.id;
		const at = Date.parse("2026-12-03T04:00:00Z");
		const ran = async () =>
			(await dueJobs(env.DB, at)).filter((job) => [v1, v2].includes(job.target.deploymentId)).map((job) => job.target.deploymentId);
		expect(await ran()).toEqual([v2]);
		await api(`/v1/scripts/${name}/rollback`, { method: "POST", token: t.token });
		expect(await ran()).toEqual([v1]);
		await api(`/v1/scripts/${name}`, { method: "DELETE", token: t.token });
		expect(await ran()).toEqual([]);
	});
});
