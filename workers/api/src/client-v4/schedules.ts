/**
 * A script's cron triggers in Cloudflare's shape (`/accounts/:account_id/workers/scripts/:name/schedules`):
 * `wrangler deploy` PUTs the config's `[triggers] crons` here after its upload. The same code as /v1's
 * (../deploy/schedules.ts); the answer is Cloudflare's `{schedules: [{cron, created_on, modified_on}]}`.
 */
import type { ScheduleRow } from "../../../shared/db/schema";
import { iso } from "../../../shared/time";
import { findScript, schedulesOf } from "../deploy/queries";
import { putSchedules } from "../deploy/schedules";
import { schedulesBody } from "../endpoints/schedules";
import { factory } from "../env";
import { validate } from "../validate";
import { ok } from "./envelope";

const result = (rows: ScheduleRow[]) => ({
	schedules: rows.map((row) => ({ cron: row.cron, created_on: iso(row.createdAt), modified_on: iso(row.createdAt) })),
});

export const scheduleEndpoints = factory
	.createApp()
	.get("/", async (c) => {
		const script = await findScript(c.var.db, c.var.tenant.id, c.req.param("name")!);
		return ok(c, result(await schedulesOf(c.var.db, script.id)));
	})
	.put("/", validate("json", schedulesBody), async (c) => {
		const script = await findScript(c.var.db, c.var.tenant.id, c.req.param("name")!);
		return ok(
			c,
			result(
				await putSchedules(
					c.env,
					c.var.db,
					script,
					c.req.valid("json").map((schedule) => schedule.cron),
				),
			),
		);
	});
