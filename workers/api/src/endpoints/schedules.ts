/**
 * `/v1/scripts/:name/schedules`: a script's cron triggers (docs/cron.md). `PUT` takes Cloudflare's
 * shape (`[{"cron": "*\/5 * * * *"}]`) and replaces them all, as Cloudflare's schedules endpoint does;
 * `GET` lists them with each one's last run. Another tenant's script is a 404 like a missing one.
 */
import { z } from "zod";
import { findScript, schedulesOf } from "../deploy/queries";
import { putSchedules } from "../deploy/schedules";
import { factory } from "../env";
import { validate } from "../validate";
import { type SchedulesAnswer, scheduleView } from "../views";

/** Cloudflare's body: a JSON array of `{cron}`. */
export const schedulesBody = z.array(z.strictObject({ cron: z.string() }), {
	error: 'the body is a JSON array of schedules: [{"cron": "*/5 * * * *"}]',
});

export const scheduleEndpoints = factory
	.createApp()
	.get("/:name/schedules", async (c) => {
		const script = await findScript(c.var.db, c.var.tenant.id, c.req.param("name"));
		const rows = await schedulesOf(c.var.db, script.id);
		return c.json({ script: script.name, schedules: rows.map((row) => scheduleView(row)) } satisfies SchedulesAnswer);
	})
	.put("/:name/schedules", validate("json", schedulesBody), async (c) => {
		const script = await findScript(c.var.db, c.var.tenant.id, c.req.param("name"));
		const rows = await putSchedules(
			c.env,
			c.var.db,
			script,
			c.req.valid("json").map((schedule) => schedule.cron),
		);
		return c.json({ script: script.name, schedules: rows.map((row) => scheduleView(row)) } satisfies SchedulesAnswer);
	});
