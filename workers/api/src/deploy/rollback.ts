/**
 * Rollback: the script's live route moves to an earlier Deployed deployment (the one before the live
 * one, or one the tenant names). Nothing is rebuilt or uploaded: deployments are immutable. The
 * script's cron triggers stay as they are (they are the script's, as on Cloudflare): a deployment
 * without a scheduled handler cannot go live while the script has some (docs/cron.md).
 */
import type { Database } from "../../../shared/db";
import type { DeploymentRow, ScriptRow } from "../../../shared/db/schema";
import { FerryError, notFound } from "../../../shared/http/errors";
import { deployedBefore, liveDeploymentId, schedulesOf, scriptDeployment } from "./queries";
import { moveLiveRoute } from "./store";

/** Moves the live route; returns the deployment now live and the one that was. */
export async function rollback(
	db: Database,
	script: ScriptRow,
	requested: string | undefined,
	reason: "rollback" | "version" = "rollback",
): Promise<{ target: DeploymentRow; previousId: string | undefined }> {
	const previousId = await liveDeploymentId(db, script.name);
	const target = requested ? await requestedTarget(db, script, requested) : await previousDeployed(db, script, previousId);
	if (target.id !== previousId) await checkScheduled(db, script, target);
	if (target.id !== previousId && !(await moveLiveRoute(db, script.id, script.name, target.id, reason)))
		throw new FerryError("conflict", `script '${script.name}' changed during the rollback; try again`);
	return { target, previousId };
}

async function requestedTarget(db: Database, script: ScriptRow, id: string): Promise<DeploymentRow> {
	const target = await scriptDeployment(db, script.id, id);
	if (!target) throw notFound(`deployment '${id}' of script '${script.name}'`);
	if (target.state !== "Deployed")
		throw new FerryError("conflict", `deployment '${id}' is ${target.state}: only a Deployed deployment can serve`);
	return target;
}

/** The Deployed deployment made just before the live one. */
async function previousDeployed(db: Database, script: ScriptRow, liveId: string | undefined): Promise<DeploymentRow> {
	const live = liveId ? await scriptDeployment(db, script.id, liveId) : undefined;
	const target = await deployedBefore(db, script.id, live);
	if (!target || target.id === liveId)
		throw new FerryError("no_previous_deployment", `script '${script.name}' has no earlier Deployed deployment to roll back to`);
	return target;
}

/** Refuses a target whose code has no scheduled handler (as found at its Loaded stage) while the script has crons. */
async function checkScheduled(db: Database, script: ScriptRow, target: DeploymentRow): Promise<void> {
	// Unknown (assets only, or older than the record): nothing to hold it to.
	if (target.handlers === null || target.handlers.includes("scheduled")) return;
	const crons = (await schedulesOf(db, script.id)).map((row) => JSON.stringify(row.cron));
	if (crons.length === 0) return;
	throw new FerryError(
		"conflict",
		`deployment '${target.id}' has no scheduled handler, and script '${script.name}' has cron triggers (${crons.join(", ")}): remove them first (PUT /v1/scripts/${script.name}/schedules with [])`,
	);
}
