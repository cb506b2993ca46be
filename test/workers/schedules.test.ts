/**
 * Cron triggers through the API (docs/cron.md): set by a deploy's `schedules` or by
 * `PUT /v1/scripts/:name/schedules`, listed with their last runs, refused when malformed, too many,
 * without a scheduled handler to run them, or for another tenant's script.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { LIMITS } from "../../workers/shared/limits";
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
	});

	it("refuses bad crons with 400 naming the expression, and crons the live code has no handler for with 409", async () => {
		const t = await newTenant();
		const name = uniqueName();
		await deploy(t.token, name, hello("fetch only"));
		const bad = await put(t.token, name, [{ cron: "*/5 * * *" }]);
		expect(bad.status).toBe(400);
		expect((await json(bad)).error).toMatchObject({ code: "invalid_cron", message: expect.stringContaining('"*/5 * * *"') });
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
