/**
 * Setting a script's cron triggers outside a deploy (docs/cron.md): `PUT /v1/scripts/:name/schedules`
 * and /client/v4's schedules endpoint (what `wrangler deploy` calls after its upload). The crons are
 * checked (each one valid, within the limit), and the live code must have a scheduled handler for
 * them, as a deploy's Loaded stage requires.
 */
import type { Database } from "../../../shared/db";
import type { ScheduleRow, ScriptRow } from "../../../shared/db/schema";
import { FerryError, notFound } from "../../../shared/http/errors";
import { cronsProblem } from "../../../shared/schedules/cron";
import { recordEvent } from "../events";
import { liveDeploymentId, schedulesOf, scriptDeployment } from "./queries";
import { setSchedules } from "./store";

/** Replaces the script's cron triggers with `crons` (a `schedules_put` event says so); returns them as stored. */
export async function putSchedules(
	env: Pick<ApiEnv, "TELEMETRY">,
	db: Database,
	script: ScriptRow,
	crons: readonly string[],
): Promise<ScheduleRow[]> {
	const problem = cronsProblem(crons);
	if (problem) throw new FerryError("invalid_cron", problem);
	if (crons.length > 0) {
		// As found at its Loaded stage; unknown (null) for deployments older than that record.
		const liveId = await liveDeploymentId(db, script.name);
		const live = liveId ? await scriptDeployment(db, script.id, liveId) : undefined;
		if (live?.handlers && !live.handlers.includes("scheduled"))
			throw new FerryError(
				"conflict",
				`the live deployment '${live.id}' of script '${script.name}' has no scheduled handler: deploy code with one first (or deploy it with its crons in [triggers])`,
			);
	}
	if (!(await setSchedules(db, script.id, crons))) throw notFound(`script '${script.name}'`);
	await recordEvent(env, script.tenantId, {
		type: "schedules_put",
		script: script.name,
		deployment_id: null,
		detail: { crons: JSON.stringify(crons) },
	});
	return schedulesOf(db, script.id);
}
