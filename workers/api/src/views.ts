/** The JSON shapes the API answers with. Times are ISO 8601; field names are snake_case like Cloudflare's API. */
import { asc, eq, inArray } from "drizzle-orm";
import type { Database } from "../../shared/db";
import { deploymentEvents, type deployments, routes } from "../../shared/db/schema";
import { labelUrl, previewLabel } from "../../shared/hosts";
import { iso } from "../../shared/time";

type DeploymentRow = typeof deployments.$inferSelect;
type EventRow = typeof deploymentEvents.$inferSelect;

/** Builds public URLs for labels, on the scheme and port the API was reached on. */
export type UrlFor = (label: string) => string;
export const urlBuilder = (domain: string, requestUrl: string): UrlFor => {
	const via = new URL(requestUrl);
	return (label) => labelUrl(label, domain, via);
};

export function deploymentView(d: DeploymentRow, scriptName: string, liveId: string | undefined, events: EventRow[], url: UrlFor) {
	const reachable = d.state === "Deployed";
	return {
		id: d.id,
		script: scriptName,
		state: d.state,
		live: d.id === liveId,
		artifact_sha256: d.artifactSha256,
		size_bytes: d.sizeBytes,
		created_at: iso(d.createdAt),
		updated_at: iso(d.updatedAt),
		error: d.errorStage ? { stage: d.errorStage, message: d.errorMessage } : null,
		url: reachable ? url(scriptName) : null,
		preview_url: reachable ? url(previewLabel(d.id, scriptName)) : null,
		events: events.map((e) => ({ from: e.fromState, to: e.toState, at: iso(e.at), message: e.message })),
	};
}

export async function eventsFor(db: Database, deploymentIds: string[]): Promise<Map<string, EventRow[]>> {
	const byDeployment = new Map<string, EventRow[]>(deploymentIds.map((id) => [id, []]));
	if (deploymentIds.length === 0) return byDeployment;
	const rows = await db
		.select()
		.from(deploymentEvents)
		.where(inArray(deploymentEvents.deploymentId, deploymentIds))
		.orderBy(asc(deploymentEvents.id));
	for (const row of rows) byDeployment.get(row.deploymentId)?.push(row);
	return byDeployment;
}

export async function liveDeploymentId(db: Database, scriptName: string): Promise<string | undefined> {
	const [route] = await db.select({ id: routes.deploymentId }).from(routes).where(eq(routes.label, scriptName)).limit(1);
	return route?.id;
}

export function scriptView(s: { name: string; createdAt: number }, liveId: string | undefined, url: UrlFor) {
	return {
		name: s.name,
		created_at: iso(s.createdAt),
		live_deployment_id: liveId ?? null,
		url: liveId ? url(s.name) : null,
	};
}
