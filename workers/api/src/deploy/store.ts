/**
 * The deploy store: every write to scripts, deployments, their events and routes happens here (reads
 * are ./queries.ts). A transition is one D1 batch: the event row and the state change are both
 * conditional on the deployment still being in the `from` state, so a concurrent move (a delete,
 * say) makes the transition a no-op instead of a lost or doubled event. Route rows are written only
 * here: by the Deployed batch, a rollback and a delete; every move of a live route is recorded in
 * `live_moves` by the batch that makes it.
 *
 * Besides transitions, a deployment's history holds notes: events whose `from` and `to` are the same
 * state. The one note today is a quarantine (see quarantine()).
 */
import { and, asc, eq, inArray, isNull, lt, type SQL, sql } from "drizzle-orm";
import { type Database, runBatch } from "../../../shared/db";
import {
	type DeploymentRow,
	deploymentEvents,
	deployments,
	type LiveMoveReason,
	liveMoves,
	routes,
	type ScriptRow,
	schedules,
	scripts,
	secrets,
} from "../../../shared/db/schema";
import { assertTransition, type DeploymentEvent, type DeploymentStage, type DeploymentState } from "../../../shared/deployments/states";
import { previewLabel } from "../../../shared/hosts";
import { FerryError } from "../../../shared/http/errors";
import { newId } from "../../../shared/ids";
import { LIMITS } from "../../../shared/limits";
import { type SecretsSnapshot, snapshotOf, snapshotStatements } from "../secrets/store";
import { sentDeployments } from "./queries";

/**
 * A deployment still Queued, Built or Loaded this long after its last transition was interrupted
 * (the Worker running it stopped, or locally the platform): longer than any stage may take (the
 * Loaded probe's deadline, plus margin for storage and the dispatch-namespace upload's retries).
 * Younger, it is in progress. docs/limits.md states it.
 */
export const INTERRUPTED_AFTER_MS = LIMITS.loadTimeoutMs * 6;

/** A deployment with its events, oldest first: what the pipeline ends with and the API answers with. */
export interface DeploymentRecord {
	deployment: DeploymentRow;
	events: DeploymentEvent[];
	/** Set by the pipeline when the deployment ended in Error through no fault of its code (the runtime's provider refused the platform). */
	unavailable?: true;
	/** Set when a secrets deployment ended in Error because the live deployment already carried its change. */
	superseded?: true;
	/** Set by the pipeline when its Deployed batch made this deployment the live one (the answer need not read the route). */
	wentLive?: true;
}

export interface Claim {
	script: ScriptRow;
	/** The names of the script's secrets as the claim found them (read in the claim's batch: no round trip of its own). */
	secretNames: string[];
	/** Set when the name was released by another tenant's script that never served (see claimScript). */
	released?: { script: { id: string; name: string }; sent: string[] };
}

/**
 * The tenant's script by name, created on first deploy. Names are global (they are hostnames), so a
 * name another tenant's script holds answers name_taken, unless that script never served: no
 * deployment of it ever reached Deployed and none is in progress. Such a name is released to the
 * claimant: the other script is deleted as DELETE would (its deployments go to Deleted; it never had
 * a route), and its history stays its tenant's. The caller has the publisher forget `released.sent`.
 */
export async function claimScript(db: Database, tenantId: string, name: string, now = Date.now()): Promise<Claim> {
	const { script: holder, secretNames } = await insertScript(db, tenantId, name, now);
	if (holder.tenantId === tenantId) return { script: holder, secretNames };
	if (await releaseUnserved(db, holder.id, now)) {
		// Claimed again: another tenant may have been quicker.
		const again = await insertScript(db, tenantId, name, now);
		if (again.script.tenantId === tenantId)
			return { ...again, released: { script: { id: holder.id, name }, sent: await sentDeployments(db, holder.id) } };
	}
	throw new FerryError("name_taken", `the script name '${name}' is taken: names are hostnames, unique across the platform`);
}

/**
 * Inserts the script unless a live one has the name; returns the live one, whoever's it is, and the
 * names of its secrets (what an upload's secrets are checked against; only the claimant's are used).
 */
async function insertScript(
	db: Database,
	tenantId: string,
	name: string,
	now: number,
): Promise<{ script: ScriptRow; secretNames: string[] }> {
	const live = and(eq(scripts.name, name), isNull(scripts.deletedAt));
	// One batch (one transaction): the insert failed only because a live script has the name, and no
	// delete can come between it and the read (as one did when they were two calls), so the read finds one.
	const [, [script], names] = await db.batch([
		db.insert(scripts).values({ id: newId(), tenantId, name, createdAt: now }).onConflictDoNothing(),
		db.select().from(scripts).where(live).limit(1),
		db
			.select({ name: secrets.name })
			.from(secrets)
			.where(inArray(secrets.scriptId, db.select({ id: scripts.id }).from(scripts).where(live)))
			.orderBy(asc(secrets.name)),
	]);
	return { script: script!, secretNames: names.map((row) => row.name) };
}

/**
 * Deletes a script that never served, in one batch conditional on that throughout: its deployments go
 * to Deleted (an event each), then the script. Returns whether it was released.
 */
async function releaseUnserved(db: Database, scriptId: string, now: number): Promise<boolean> {
	const unserved = sql`NOT EXISTS (SELECT 1 FROM ${deployments} WHERE script_id = ${scriptId} AND (state = 'Deployed'
		OR (state IN ('Queued', 'Built', 'Loaded') AND updated_at > ${now - INTERRUPTED_AFTER_MS})))`;
	const message = "the script name was released to another tenant: no deployment of this script ever reached Deployed";
	const results = await runBatch(db, [
		...deleteDeployments(db, scriptId, message, now, unserved),
		db.run(sql`UPDATE ${scripts} SET deleted_at = ${now} WHERE id = ${scriptId} AND deleted_at IS NULL AND ${unserved}`),
		db.run(
			sql`DELETE FROM ${secrets} WHERE script_id = ${scriptId} AND EXISTS (SELECT 1 FROM ${scripts} WHERE id = ${scriptId} AND deleted_at = ${now})`,
		),
	]);
	return results[2]?.meta.changes === 1;
}

/**
 * Deletes a script in one batch: the script row (its name is free again), its routes, and every
 * deployment to Deleted with an event each. Returns what the rest of the platform must forget: the
 * labels whose routes went (for the dispatcher) and the deployments ever sent to the runtime (for
 * the publisher).
 */
export async function deleteScript(db: Database, scriptId: string, now = Date.now()) {
	// Nothing is read first: each statement acts on the rows as they are inside the batch, so a deployment
	// that moved on meanwhile (Queued → Built, say) still goes to Deleted, and its next transition is a no-op.
	const [, removed] = await runBatch(db, [
		db.update(scripts).set({ deletedAt: now }).where(eq(scripts.id, scriptId)),
		db.delete(routes).where(eq(routes.scriptId, scriptId)).returning({ label: routes.label }),
		...deleteDeployments(db, scriptId, "script deleted", now),
		db.delete(schedules).where(eq(schedules.scriptId, scriptId)),
		// A deleted script's secrets go with it, sealed copies included.
		db.delete(secrets).where(eq(secrets.scriptId, scriptId)),
	]);
	const labels = ((removed?.results ?? []) as { label: string }[]).map((row) => row.label);
	return { deletedAt: now, labels, sent: await sentDeployments(db, scriptId) };
}

export interface NewDeployment {
	id: string;
	scriptId: string;
	tenantId: string;
	artifactSha256: string;
	sizeBytes: number;
	/** Static assets: files and bytes; absent or null without. */
	assetFiles?: number | null;
	assetBytes?: number | null;
	/** What its Queued event says (a secrets deployment says which change it carries). */
	message?: string;
}

/**
 * Writes a Queued deployment and its first event; returns the row as stored. Conditional on the
 * script still existing: a delete (or a release of its name) that came first refuses the deployment,
 * which would otherwise belong to a script that is gone. With `failInterruptedBefore` (a deploy),
 * the same batch first ends the script's deployments interrupted before then (see failInterrupted).
 */
export async function createDeployment(
	db: Database,
	d: NewDeployment,
	now = Date.now(),
	{ failInterruptedBefore }: { failInterruptedBefore?: number } = {},
): Promise<DeploymentRow> {
	const assetFiles = d.assetFiles ?? null;
	const assetBytes = d.assetBytes ?? null;
	const row: DeploymentRow = {
		id: d.id,
		scriptId: d.scriptId,
		tenantId: d.tenantId,
		artifactSha256: d.artifactSha256,
		sizeBytes: d.sizeBytes,
		assetFiles,
		assetBytes,
		secrets: null,
		state: "Queued",
		errorStage: null,
		errorMessage: null,
		quarantinedUntil: null,
		handlers: null,
		createdAt: now,
		updatedAt: now,
	};
	const sweep = failInterruptedBefore === undefined ? [] : interruptedStatements(db, d.scriptId, failInterruptedBefore, now);
	const [created] = await runBatch(db, [
		...sweep,
		db.run(sql`
			INSERT INTO ${deployments} (id, script_id, tenant_id, state, artifact_sha256, size_bytes, asset_files, asset_bytes, created_at, updated_at)
			SELECT ${d.id}, ${d.scriptId}, ${d.tenantId}, 'Queued', ${d.artifactSha256}, ${d.sizeBytes}, ${assetFiles}, ${assetBytes}, ${now}, ${now}
			FROM ${scripts} WHERE id = ${d.scriptId} AND deleted_at IS NULL`),
		db.run(sql`
			INSERT INTO ${deploymentEvents} (deployment_id, from_state, to_state, message, at)
			SELECT id, NULL, 'Queued', ${d.message ?? null}, ${now} FROM ${deployments} WHERE id = ${d.id}`),
	]).then((results) => results.slice(sweep.length));
	if (created?.meta.changes !== 1) throw new FerryError("conflict", "the script was deleted while this upload arrived; deploy again");
	return row;
}

interface TransitionDetails {
	message?: string;
	error?: { stage: DeploymentStage; message: string };
	/** Loaded: the handlers the runtime found. */
	handlers?: string[] | null;
}

/** The statements of one transition, for callers that add their own to the same batch. */
function transitionStatements(
	db: Database,
	id: string,
	from: DeploymentState,
	to: DeploymentState,
	details: TransitionDetails,
	now: number,
	/** A further condition both statements hold to (the Deployed batch's secrets and base checks). */
	when: SQL = sql`1`,
	/** Further columns the state change writes. */
	set: { secrets?: string | null } = {},
) {
	assertTransition(from, to);
	const inFrom = and(eq(deployments.id, id), eq(deployments.state, from), when);
	// The event goes first: both statements see the same `from` state, so both apply or neither does.
	return [
		db.run(sql`
			INSERT INTO ${deploymentEvents} (deployment_id, from_state, to_state, message, at)
			SELECT id, state, ${to}, ${details.message ?? details.error?.message ?? null}, ${now} FROM ${deployments}
			WHERE id = ${id} AND state = ${from} AND ${when}`),
		db
			.update(deployments)
			.set({
				state: to,
				updatedAt: now,
				...set,
				...(details.error ? { errorStage: details.error.stage, errorMessage: details.error.message } : {}),
				...(details.handlers !== undefined ? { handlers: details.handlers } : {}),
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
 * Queued → Built, and in the same batch (one round trip) what the Loaded stage starts from: the
 * script's secrets as they are now (the set it is loaded with; the Deployed batch checks it is still
 * the script's) and its cron triggers (checked against the handlers the runtime finds).
 * `moved` is false when the deployment was no longer Queued.
 */
export async function storeBuilt(
	db: Database,
	id: string,
	scriptId: string,
	now = Date.now(),
): Promise<{ moved: boolean; secrets: SecretsSnapshot; crons: string[] }> {
	const [event, , version, sealed, crons] = await runBatch(db, [
		...transitionStatements(db, id, "Queued", "Built", {}, now),
		...snapshotStatements(db, scriptId),
		db.run(sql`SELECT cron FROM ${schedules} WHERE script_id = ${scriptId} ORDER BY created_at, cron`),
	]);
	return {
		moved: event?.meta.changes === 1,
		secrets: snapshotOf(version!, sealed!),
		crons: (crons!.results as { cron: string }[]).map((row) => row.cron),
	};
}

export interface Activation {
	id: string;
	scriptId: string;
	scriptName: string;
	live?: boolean;
	schedules?: readonly string[];
	/** The secrets it was loaded with (sealed, name → value) and the script's secrets version they were at. */
	secrets: SecretsSnapshot;
	/** A secrets deployment (the live deployment's code, new secrets): the live route must still point at this one. */
	base?: string;
}

/**
 * Loaded → Deployed and the route flip, in one batch: the live label (unless `live` is false: a
 * version uploaded but not deployed) and the deployment's preview label point at it exactly when it
 * is Deployed. With `schedules` (the upload named them, and it goes live), the script's cron
 * triggers become those in the same batch. Returns false when the deployment was no longer Loaded.
 */
export async function activate(db: Database, d: Activation, now = Date.now()): Promise<boolean> {
	const [event] = await runBatch(db, activationStatements(db, d, now));
	return event?.meta.changes === 1;
}

/**
 * Built → Loaded (with the handlers the runtime found) and then, in the same batch, everything
 * activate() does: one round trip where the two transitions were two. Each holds to its own
 * condition, so the deployment may end the batch Loaded but not Deployed (its secrets changed while
 * it loaded: the pipeline loads it again and activates it alone). `loaded` is false when it was no
 * longer Built (nothing was written).
 */
export async function loadAndActivate(
	db: Database,
	d: Activation & { handlers: string[] | null },
	now = Date.now(),
): Promise<{ loaded: boolean; deployed: boolean }> {
	const loaded = transitionStatements(db, d.id, "Built", "Loaded", { handlers: d.handlers }, now);
	const [event, , deployed] = await runBatch(db, [...loaded, ...activationStatements(db, d, now)]);
	return { loaded: event?.meta.changes === 1, deployed: deployed?.meta.changes === 1 };
}

/** activate()'s statements; the first is the Deployed event, whose changes say whether it went live. */
function activationStatements(db: Database, d: Activation, now: number) {
	const deployed = sql`EXISTS (SELECT 1 FROM ${deployments} WHERE id = ${d.id} AND state = 'Deployed')`;
	const route = (label: string, kind: "live" | "preview") =>
		db.run(sql`
			INSERT INTO ${routes} (label, kind, script_id, script_name, deployment_id, updated_at)
			SELECT ${label}, ${kind}, ${d.scriptId}, ${d.scriptName}, id, ${now} FROM ${deployments}
			WHERE id = ${d.id} AND state = 'Deployed'
			ON CONFLICT (label) DO UPDATE SET deployment_id = excluded.deployment_id, updated_at = excluded.updated_at`);
	// Live only with the script's secrets as they are now: a secret written while this deployment
	// was loading makes the batch a no-op, and the pipeline loads it again with the new set.
	const current = sql`(SELECT secrets_version FROM ${scripts} WHERE id = ${d.scriptId}) = ${d.secrets.version}`;
	const onBase =
		d.base === undefined
			? sql`1`
			: sql`EXISTS (SELECT 1 FROM ${routes} WHERE label = ${d.scriptName} AND kind = 'live' AND deployment_id = ${d.base})`;
	const sealed = Object.keys(d.secrets.sealed).length > 0 ? JSON.stringify(d.secrets.sealed) : null;
	return [
		...transitionStatements(db, d.id, "Loaded", "Deployed", {}, now, sql`${current} AND ${onBase}`, { secrets: sealed }),
		route(previewLabel(d.id, d.scriptName), "preview"),
		...(d.live === false
			? []
			: [
					route(d.scriptName, "live"),
					db.run(sql`
						INSERT INTO ${liveMoves} (script_id, deployment_id, reason, at)
						SELECT script_id, id, 'deploy', ${now} FROM ${deployments} WHERE id = ${d.id} AND state = 'Deployed'`),
					...(d.schedules ? replaceSchedules(db, d.scriptId, d.schedules, now, deployed) : []),
				]),
	];
}

/**
 * The statements that make the script's cron triggers exactly `crons`, where `when` holds: the others
 * go, new ones are added; one that stays keeps its creation time and its last run.
 */
function replaceSchedules(db: Database, scriptId: string, crons: readonly string[], now: number, when = sql`1`) {
	const kept =
		crons.length === 0
			? sql`0`
			: sql`cron IN (${sql.join(
					crons.map((cron) => sql`${cron}`),
					sql`, `,
				)})`;
	return [
		db.run(sql`DELETE FROM ${schedules} WHERE script_id = ${scriptId} AND NOT (${kept}) AND ${when}`),
		...crons.map((cron) =>
			db.run(sql`
				INSERT INTO ${schedules} (script_id, cron, created_at) SELECT ${scriptId}, ${cron}, ${now} WHERE ${when}
				ON CONFLICT (script_id, cron) DO NOTHING`),
		),
	];
}

/** Sets the script's cron triggers (`PUT /v1/scripts/:name/schedules`), conditional on the script still existing. */
export async function setSchedules(db: Database, scriptId: string, crons: readonly string[], now = Date.now()): Promise<boolean> {
	const exists = sql`EXISTS (SELECT 1 FROM ${scripts} WHERE id = ${scriptId} AND deleted_at IS NULL)`;
	const [check] = await runBatch(db, [db.run(sql`SELECT 1 WHERE ${exists}`), ...replaceSchedules(db, scriptId, crons, now, exists)]);
	return (check?.results.length ?? 0) === 1;
}

/**
 * Points the script's live route at another of its Deployed deployments (a rollback, or a version
 * deployed), and records the move in the same batch. No rebuild: its artifact is reused. Returns
 * false when the route or the deployment was not as required.
 */
export async function moveLiveRoute(
	db: Database,
	scriptId: string,
	scriptName: string,
	deploymentId: string,
	reason: Exclude<LiveMoveReason, "deploy"> = "rollback",
	now = Date.now(),
): Promise<boolean> {
	const [moved] = await runBatch(db, [
		// An upsert: a script whose deployments all failed has no live route yet (its first version deployed).
		db.run(sql`
			INSERT INTO ${routes} (label, kind, script_id, script_name, deployment_id, updated_at)
			SELECT ${scriptName}, 'live', ${scriptId}, ${scriptName}, id, ${now} FROM ${deployments}
			WHERE id = ${deploymentId} AND script_id = ${scriptId} AND state = 'Deployed'
			ON CONFLICT (label) DO UPDATE SET deployment_id = excluded.deployment_id, updated_at = excluded.updated_at
			WHERE kind = 'live' AND script_id = excluded.script_id`),
		db.run(sql`
			INSERT INTO ${liveMoves} (script_id, deployment_id, reason, at)
			SELECT ${scriptId}, ${deploymentId}, ${reason}, ${now}
			WHERE EXISTS (SELECT 1 FROM ${routes} WHERE label = ${scriptName} AND kind = 'live'
				AND deployment_id = ${deploymentId} AND updated_at = ${now})`),
	]);
	return moved?.meta.changes === 1;
}

/**
 * Every deployment of the script not Deleted yet goes to Deleted, with an event each, where `when`
 * holds (statements for the caller's batch). Whatever state each is in as the batch runs: every
 * state but Deleted may go to Deleted (TRANSITIONS in states.ts), so no `from` needs checking.
 */
function deleteDeployments(db: Database, scriptId: string, message: string, now: number, when = sql`1`) {
	return [
		db.run(sql`
			INSERT INTO ${deploymentEvents} (deployment_id, from_state, to_state, message, at)
			SELECT id, state, 'Deleted', ${message}, ${now} FROM ${deployments}
			WHERE script_id = ${scriptId} AND state != 'Deleted' AND ${when}`),
		db.run(sql`
			UPDATE ${deployments} SET state = 'Deleted', updated_at = ${now}, secrets = NULL
			WHERE script_id = ${scriptId} AND state != 'Deleted' AND ${when}`),
	];
}

/** The stage a deployment stuck in `state` was working on. */
const STAGE_AFTER = { Queued: "build", Built: "load", Loaded: "deploy" } as const satisfies Partial<
	Record<DeploymentState, DeploymentStage>
>;
const IN_PROGRESS = Object.keys(STAGE_AFTER) as (keyof typeof STAGE_AFTER)[];

/** Deployments per batch: two statements each, well under D1's statement and parameter limits. */
const INTERRUPTED_PER_BATCH = 50;

export interface InterruptedDeployment {
	id: string;
	scriptId: string;
	stage: DeploymentStage;
}

/**
 * Deployments still Queued, Built or Loaded whose last transition is older than `updatedBefore`
 * were interrupted: the Worker (or locally the whole platform) that ran them stopped before they
 * finished. Each goes to Error at the stage it was working on, "interrupted at <stage>", so that its
 * history is honest; none of them ever touched a route (only the Deployed batch writes one).
 * Platform-wide, or one script's with `scriptId`. Callers: the API Worker's cron (production, with
 * INTERRUPTED_AFTER_MS), the local platform at every start (everything before the start), and each
 * deploy for its own script.
 */
export async function failInterrupted(
	db: Database,
	{ updatedBefore, scriptId }: { updatedBefore: number; scriptId?: string },
	now = Date.now(),
): Promise<InterruptedDeployment[]> {
	const stuck = await db
		.select({ id: deployments.id, scriptId: deployments.scriptId, state: deployments.state })
		.from(deployments)
		.where(
			and(
				scriptId === undefined ? undefined : eq(deployments.scriptId, scriptId),
				inArray(deployments.state, IN_PROGRESS),
				lt(deployments.updatedAt, updatedBefore),
			),
		);
	const failed: InterruptedDeployment[] = [];
	for (let i = 0; i < stuck.length; i += INTERRUPTED_PER_BATCH) {
		const chunk = stuck.slice(i, i + INTERRUPTED_PER_BATCH).map((d) => ({ ...d, stage: STAGE_AFTER[d.state as keyof typeof STAGE_AFTER] }));
		const results = await runBatch(
			db,
			chunk.flatMap((d) =>
				transitionStatements(db, d.id, d.state, "Error", { error: { stage: d.stage, message: interruptedMessage(d.stage) } }, now),
			),
		);
		// A deployment that moved on since the select (it was not interrupted after all) is left alone.
		failed.push(...chunk.filter((_, j) => results[2 * j]?.meta.changes === 1).map(({ id, scriptId, stage }) => ({ id, scriptId, stage })));
	}
	return failed;
}

export const interruptedMessage = (stage: DeploymentStage) =>
	`interrupted at ${stage}: the platform stopped before this deployment finished; deploy again`;

/**
 * failInterrupted for one script as two set-based statements (for a caller's batch: a deploy's
 * createDeployment), which read nothing first: each deployment of the script still in progress and
 * last moved before `updatedBefore` gets its "interrupted at <stage>" event and goes to Error at
 * that stage, as the transitions failInterrupted runs would do.
 */
function interruptedStatements(db: Database, scriptId: string, updatedBefore: number, now: number) {
	for (const state of IN_PROGRESS) assertTransition(state, "Error");
	const inProgress = sql.join(
		IN_PROGRESS.map((state) => sql`${state}`),
		sql`, `,
	);
	const stuck = sql`script_id = ${scriptId} AND state IN (${inProgress}) AND updated_at < ${updatedBefore}`;
	const byState = (of: (state: keyof typeof STAGE_AFTER) => string) =>
		sql`CASE state ${sql.join(
			IN_PROGRESS.map((state) => sql`WHEN ${state} THEN ${of(state)}`),
			sql` `,
		)} END`;
	const stage = byState((state) => STAGE_AFTER[state]);
	const message = byState((state) => interruptedMessage(STAGE_AFTER[state]));
	// The event goes first: both statements select the same deployments, as the update has not run yet.
	return [
		db.run(sql`
			INSERT INTO ${deploymentEvents} (deployment_id, from_state, to_state, message, at)
			SELECT id, state, 'Error', ${message}, ${now} FROM ${deployments} WHERE ${stuck}`),
		db.run(sql`
			UPDATE ${deployments} SET state = 'Error', updated_at = ${now}, error_stage = ${stage}, error_message = ${message}
			WHERE ${stuck}`),
	];
}

/**
 * Quarantines a Deployed deployment until `until`: its requests answer the "exceeded its limits" page
 * (the dispatcher reads `quarantined_until` with the route) and its history gets a note saying why
 * and until when. Conditional on the deployment being Deployed, in one batch. Returns whether it was.
 * A later deploy of the script ends it in effect (the new deployment is not quarantined); so does time.
 */
export async function quarantine(db: Database, deploymentId: string, until: number, message: string, now = Date.now()): Promise<boolean> {
	const [event] = await runBatch(db, [
		db.run(sql`
			INSERT INTO ${deploymentEvents} (deployment_id, from_state, to_state, message, at)
			SELECT id, state, state, ${message}, ${now} FROM ${deployments} WHERE id = ${deploymentId} AND state = 'Deployed'`),
		db
			.update(deployments)
			.set({ quarantinedUntil: until })
			.where(and(eq(deployments.id, deploymentId), eq(deployments.state, "Deployed"))),
	]);
	return event?.meta.changes === 1;
}
