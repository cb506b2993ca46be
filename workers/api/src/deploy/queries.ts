/**
 * Reads of scripts, deployments, their events and routes, for the endpoints and the pipeline. Every
 * write is ./store.ts's; the JSON shapes are ../views.ts's. A read scoped to a tenant answers for
 * another tenant's rows exactly as for missing ones.
 */
import { and, asc, desc, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import type { Database } from "../../../shared/db";
import {
	type DeploymentRow,
	deploymentEvents,
	deployments,
	liveMoves,
	routes,
	type ScheduleRow,
	type ScriptRow,
	schedules,
	scripts,
} from "../../../shared/db/schema";
import type { DeploymentEvent, DeploymentState } from "../../../shared/deployments/states";
import { notFound } from "../../../shared/http/errors";
import type { DeploymentRecord } from "./store";

/** The tenant's script by name. Another tenant's script is "not found", exactly like a missing one. */
export async function findScript(db: Database, tenantId: string, name: string): Promise<ScriptRow> {
	const [script] = await db
		.select()
		.from(scripts)
		.where(and(eq(scripts.tenantId, tenantId), eq(scripts.name, name), isNull(scripts.deletedAt)))
		.limit(1);
	if (!script) throw notFound(`script '${name}'`);
	return script;
}

/** A script's newest deployment, whatever became of it: what a list shows as its last deploy. */
export interface LastDeployment {
	id: string;
	state: DeploymentState;
	createdAt: number;
}

/** The newest deployment of the row's script, as one column (one index lookup on deployments_script per script). */
const lastDeployment = sql<
	string | null
>`(SELECT json_object('id', d.id, 'state', d.state, 'createdAt', d.created_at) FROM ${deployments} d WHERE d.script_id = ${scripts.id} ORDER BY d.created_at DESC, d.rowid DESC LIMIT 1)`.mapWith(
	(value: string | null): LastDeployment | null => (value ? (JSON.parse(value) as LastDeployment) : null),
);

/** A script's newest deployment, if it has any. */
export async function lastDeploymentOf(db: Database, scriptId: string): Promise<LastDeployment | null> {
	const [row] = await db
		.select({ id: deployments.id, state: deployments.state, createdAt: deployments.createdAt })
		.from(deployments)
		.where(eq(deployments.scriptId, scriptId))
		.orderBy(desc(deployments.createdAt), sql`rowid DESC`)
		.limit(1);
	return row ?? null;
}

/** The tenant's scripts by name, each with the deployment its live route points at and its newest deployment. */
export function scriptsOf(db: Database, tenantId: string) {
	return db
		.select({ name: scripts.name, createdAt: scripts.createdAt, liveId: routes.deploymentId, last: lastDeployment })
		.from(scripts)
		.leftJoin(routes, eq(routes.label, scripts.name))
		.where(and(eq(scripts.tenantId, tenantId), isNull(scripts.deletedAt)))
		.orderBy(scripts.name);
}

/** The deployment the script's live route points at, if any. */
export async function liveDeploymentId(db: Database, scriptName: string): Promise<string | undefined> {
	const [route] = await db.select({ id: routes.deploymentId }).from(routes).where(eq(routes.label, scriptName)).limit(1);
	return route?.id;
}

/** What a hostname label routes to now (live or preview), with the script's name. */
export async function routeOf(db: Database, label: string) {
	const [route] = await db
		.select({ deploymentId: routes.deploymentId, scriptName: routes.scriptName })
		.from(routes)
		.where(eq(routes.label, label))
		.limit(1);
	return route;
}

/** Every label routed to the deployment: the script's live label when it is live, and its preview. */
export async function labelsOf(db: Database, deploymentId: string): Promise<string[]> {
	const rows = await db.select({ label: routes.label }).from(routes).where(eq(routes.deploymentId, deploymentId));
	return rows.map((row) => row.label);
}

/** Each deployment's events, oldest first. */
export async function eventsFor(db: Database, deploymentIds: string[]): Promise<Map<string, DeploymentEvent[]>> {
	const byDeployment = new Map<string, DeploymentEvent[]>(deploymentIds.map((id) => [id, []]));
	if (deploymentIds.length === 0) return byDeployment;
	const rows = await db
		.select()
		.from(deploymentEvents)
		.where(inArray(deploymentEvents.deploymentId, deploymentIds))
		.orderBy(asc(deploymentEvents.id));
	for (const row of rows)
		byDeployment.get(row.deploymentId)?.push({ from: row.fromState, to: row.toState, at: row.at, message: row.message });
	return byDeployment;
}

/** A deployment as stored, with its events. */
export async function deploymentRecord(db: Database, id: string): Promise<DeploymentRecord> {
	const [[deployment], events] = await Promise.all([db.select().from(deployments).where(eq(deployments.id, id)), eventsFor(db, [id])]);
	if (!deployment) throw new Error(`deployment ${id} is not in D1`);
	return { deployment, events: events.get(id) ?? [] };
}

/** One of the tenant's deployments with its script's name, and whether that script still exists. */
export async function tenantDeployment(db: Database, tenantId: string, id: string) {
	const [row] = await db
		.select({ deployment: deployments, scriptName: scripts.name, scriptDeleted: scripts.deletedAt })
		.from(deployments)
		.innerJoin(scripts, eq(scripts.id, deployments.scriptId))
		.where(and(eq(deployments.id, id), eq(deployments.tenantId, tenantId)))
		.limit(1);
	if (!row) throw notFound(`deployment '${id}'`);
	return row;
}

/** The script's deployments, newest first. */
export function deploymentsOf(db: Database, scriptId: string, limit: number): Promise<DeploymentRow[]> {
	return db
		.select()
		.from(deployments)
		.where(eq(deployments.scriptId, scriptId))
		.orderBy(desc(deployments.createdAt), desc(deployments.id))
		.limit(limit);
}

/** One deployment of the script, if it is one of its. */
export async function scriptDeployment(db: Database, scriptId: string, id: string): Promise<DeploymentRow | undefined> {
	const [row] = await db
		.select()
		.from(deployments)
		.where(and(eq(deployments.id, id), eq(deployments.scriptId, scriptId)))
		.limit(1);
	return row;
}

/** The script's newest Deployed deployment made before `before` (all of them when undefined). */
export async function deployedBefore(
	db: Database,
	scriptId: string,
	before: DeploymentRow | undefined,
): Promise<DeploymentRow | undefined> {
	const [row] = await db
		.select()
		.from(deployments)
		.where(
			and(
				eq(deployments.scriptId, scriptId),
				eq(deployments.state, "Deployed"),
				before ? lt(deployments.createdAt, before.createdAt) : undefined,
			),
		)
		.orderBy(desc(deployments.createdAt))
		.limit(1);
	return row;
}

/**
 * The script's deployments that were ever sent to the runtime: those that reached Built. (A refused
 * upload stored nothing, but one that timed out or got a 5xx may have been stored.)
 */
export async function sentDeployments(db: Database, scriptId: string): Promise<string[]> {
	const built = db
		.select({ id: deploymentEvents.deploymentId })
		.from(deploymentEvents)
		.where(and(eq(deploymentEvents.deploymentId, deployments.id), eq(deploymentEvents.toState, "Built")));
	const rows = await db
		.select({ id: deployments.id })
		.from(deployments)
		.where(and(eq(deployments.scriptId, scriptId), sql`EXISTS ${built}`));
	return rows.map((row) => row.id);
}

/** The script's live route moves, newest first (deploys that went live, rollbacks, versions deployed). */
export function liveMovesOf(db: Database, scriptId: string, limit: number) {
	return db.select().from(liveMoves).where(eq(liveMoves.scriptId, scriptId)).orderBy(desc(liveMoves.id)).limit(limit);
}

/** The script's Deployed deployments, oldest first: what Cloudflare calls its versions. */
export function deployedOf(db: Database, scriptId: string): Promise<DeploymentRow[]> {
	return db
		.select()
		.from(deployments)
		.where(and(eq(deployments.scriptId, scriptId), eq(deployments.state, "Deployed")))
		.orderBy(asc(deployments.createdAt), asc(deployments.id));
}

/** The script's cron triggers, in the order they were first set. */
export function schedulesOf(db: Database, scriptId: string): Promise<ScheduleRow[]> {
	return db.select().from(schedules).where(eq(schedules.scriptId, scriptId)).orderBy(asc(schedules.createdAt), asc(schedules.cron));
}
