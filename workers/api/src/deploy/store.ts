/**
 * The deploy store: every write to scripts, deployments, their events and routes happens here (reads
 * are ./queries.ts). A transition is one D1 batch: the event row and the state change are both
 * conditional on the deployment still being in the `from` state, so a concurrent move (a delete,
 * say) makes the transition a no-op instead of a lost or doubled event. Route rows are written only
 * here: by the Deployed batch, a rollback and a delete.
 */
import { and, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import { type Database, runBatch } from "../../../shared/db";
import { type DeploymentRow, deploymentEvents, deployments, routes, type ScriptRow, scripts } from "../../../shared/db/schema";
import { assertTransition, type DeploymentEvent, type DeploymentStage, type DeploymentState } from "../../../shared/deployments/states";
import { previewLabel } from "../../../shared/hosts";
import { FerryError } from "../../../shared/http/errors";
import { newId } from "../../../shared/ids";
import { sentDeployments } from "./queries";

/** A deployment with its events, oldest first: what the pipeline ends with and the API answers with. */
export interface DeploymentRecord {
	deployment: DeploymentRow;
	events: DeploymentEvent[];
}

/** The tenant's script by name, created on first deploy. Names are global: they are hostnames. */
export async function claimScript(db: Database, tenantId: string, name: string, now = Date.now()): Promise<ScriptRow> {
	await db.insert(scripts).values({ id: newId(), tenantId, name, createdAt: now }).onConflictDoNothing();
	const [script] = await db
		.select()
		.from(scripts)
		.where(and(eq(scripts.name, name), isNull(scripts.deletedAt)))
		.limit(1);
	if (!script || script.tenantId !== tenantId)
		throw new FerryError("name_taken", `the script name '${name}' is taken: names are hostnames, unique across the platform`);
	return script;
}

/**
 * Deletes a script in one batch: the script row (its name is free again), its routes, and every
 * deployment to Deleted with an event each. Returns what the rest of the platform must forget: the
 * labels whose routes went (for the dispatcher) and the deployments ever sent to the runtime (for
 * the publisher).
 */
export async function deleteScript(db: Database, scriptId: string, now = Date.now()) {
	const [owned, labels] = await Promise.all([
		db.select({ id: deployments.id, state: deployments.state }).from(deployments).where(eq(deployments.scriptId, scriptId)),
		db.select({ label: routes.label }).from(routes).where(eq(routes.scriptId, scriptId)),
	]);
	await runBatch(db, [
		db.update(scripts).set({ deletedAt: now }).where(eq(scripts.id, scriptId)),
		db.delete(routes).where(eq(routes.scriptId, scriptId)),
		...deleteStatements(db, owned, now),
	]);
	return { deletedAt: now, labels: labels.map((row) => row.label), sent: await sentDeployments(db, scriptId) };
}

export interface NewDeployment {
	id: string;
	scriptId: string;
	tenantId: string;
	artifactSha256: string;
	sizeBytes: number;
}

/** Writes a Queued deployment and its first event; returns the row as stored. */
export async function createDeployment(db: Database, d: NewDeployment, now = Date.now()): Promise<DeploymentRow> {
	const row: DeploymentRow = { ...d, state: "Queued", errorStage: null, errorMessage: null, createdAt: now, updatedAt: now };
	await db.batch([
		db.insert(deployments).values(row),
		db.insert(deploymentEvents).values({ deploymentId: d.id, fromState: null, toState: "Queued", at: now }),
	]);
	return row;
}

interface TransitionDetails {
	message?: string;
	error?: { stage: DeploymentStage; message: string };
}

/** The statements of one transition, for callers that add their own to the same batch. */
function transitionStatements(
	db: Database,
	id: string,
	from: DeploymentState,
	to: DeploymentState,
	details: TransitionDetails,
	now: number,
) {
	assertTransition(from, to);
	const inFrom = and(eq(deployments.id, id), eq(deployments.state, from));
	// The event goes first: both statements see the same `from` state, so both apply or neither does.
	return [
		db.run(sql`
			INSERT INTO ${deploymentEvents} (deployment_id, from_state, to_state, message, at)
			SELECT id, state, ${to}, ${details.message ?? details.error?.message ?? null}, ${now} FROM ${deployments}
			WHERE id = ${id} AND state = ${from}`),
		db
			.update(deployments)
			.set({
				state: to,
				updatedAt: now,
				...(details.error ? { errorStage: details.error.stage, errorMessage: details.error.message } : {}),
			})
			.where(inFrom),
	] as const;
}

/** Moves a deployment from `from` to `to`. Returns false when it was no longer in `from`. */
export async function transition(
	db: Database,
	id: string,
	from: DeploymentState,
	to: DeploymentState,
	details: TransitionDetails = {},
	now = Date.now(),
): Promise<boolean> {
	const [event] = await runBatch(db, transitionStatements(db, id, from, to, details, now));
	return event?.meta.changes === 1;
}

/**
 * Loaded → Deployed and the route flip, in one batch: the live label and the deployment's preview label
 * point at it exactly when it is Deployed. Returns false when the deployment was no longer Loaded.
 */
export async function activate(db: Database, d: { id: string; scriptId: string; scriptName: string }, now = Date.now()): Promise<boolean> {
	const route = (label: string, kind: "live" | "preview") =>
		db.run(sql`
			INSERT INTO ${routes} (label, kind, script_id, script_name, deployment_id, updated_at)
			SELECT ${label}, ${kind}, ${d.scriptId}, ${d.scriptName}, id, ${now} FROM ${deployments}
			WHERE id = ${d.id} AND state = 'Deployed'
			ON CONFLICT (label) DO UPDATE SET deployment_id = excluded.deployment_id, updated_at = excluded.updated_at`);
	const [event] = await runBatch(db, [
		...transitionStatements(db, d.id, "Loaded", "Deployed", {}, now),
		route(d.scriptName, "live"),
		route(previewLabel(d.id, d.scriptName), "preview"),
	]);
	return event?.meta.changes === 1;
}

/** Points the script's live route at an earlier Deployed deployment. No rebuild: its artifact is reused. */
export async function moveLiveRoute(db: Database, scriptId: string, scriptName: string, deploymentId: string, now = Date.now()) {
	const result = await db.run(sql`
		UPDATE ${routes} SET deployment_id = ${deploymentId}, updated_at = ${now}
		WHERE label = ${scriptName} AND kind = 'live' AND script_id = ${scriptId}
		AND EXISTS (SELECT 1 FROM ${deployments} WHERE id = ${deploymentId} AND script_id = ${scriptId} AND state = 'Deployed')`);
	return result.meta.changes === 1;
}

/** Every deployment of a script goes to Deleted, with an event each (statements for the caller's batch). */
function deleteStatements(db: Database, rows: Pick<DeploymentRow, "id" | "state">[], now: number) {
	return rows
		.filter((row) => row.state !== "Deleted")
		.flatMap((row) => transitionStatements(db, row.id, row.state, "Deleted", { message: "script deleted" }, now));
}

/** The stage a deployment stuck in `state` was working on. */
const STAGE_AFTER: Partial<Record<DeploymentState, DeploymentStage>> = { Queued: "build", Built: "load", Loaded: "deploy" };

/**
 * A deployment still in progress long after the pipeline's own deadlines was interrupted: the runtime
 * restarted under it (locally, the watchdog after a tenant's endless loop). Such deployments go to
 * Error so that their history is honest; they never touched the live route.
 */
export async function failInterrupted(db: Database, scriptId: string, olderThanMs: number, now = Date.now()): Promise<number> {
	const stuck = await db
		.select({ id: deployments.id, state: deployments.state })
		.from(deployments)
		.where(
			and(
				eq(deployments.scriptId, scriptId),
				inArray(deployments.state, ["Queued", "Built", "Loaded"]),
				lt(deployments.updatedAt, now - olderThanMs),
			),
		);
	if (stuck.length === 0) return 0;
	const message = "interrupted: the platform restarted before this deployment finished; deploy again";
	await runBatch(
		db,
		stuck.flatMap((d) => transitionStatements(db, d.id, d.state, "Error", { error: { stage: STAGE_AFTER[d.state]!, message } }, now)),
	);
	return stuck.length;
}
