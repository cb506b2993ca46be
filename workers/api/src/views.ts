/**
 * The JSON shapes the API answers with (docs/api.md), as types and as the pure functions that build
 * them from rows. Times are ISO 8601; field names are snake_case like Cloudflare's API. The API client
 * (the CLI's and the panel's) reads its types from here (workers/shared/api-client/types.ts), so there is one definition of each shape.
 */
import type { Budget } from "../../shared/budgets";
import type { DeploymentRow, ScheduleRow } from "../../shared/db/schema";
import type { DeploymentEvent, DeploymentState } from "../../shared/deployments/states";
import { labelUrl, previewLabel } from "../../shared/hosts";
import type { ResourceType } from "../../shared/resources/index";
import { iso } from "../../shared/time";

export interface DeploymentEventView {
	from: DeploymentState | null;
	to: DeploymentState;
	at: string;
	message: string | null;
}

export interface DeploymentView {
	id: string;
	script: string;
	state: DeploymentState;
	/** Whether the script's live route points at it. */
	live: boolean;
	artifact_sha256: string;
	size_bytes: number;
	/** Its static assets (docs/assets.md), or null when it has none. */
	assets: { files: number; bytes: number } | null;
	created_at: string;
	updated_at: string;
	/** The stage that failed (build, load, deploy) and why. */
	error: { stage: string; message: string } | null;
	/**
	 * Set while the deployment is quarantined (it stopped a local runtime process): until then its
	 * requests answer 503 and its history says why. Null otherwise.
	 */
	quarantined_until: string | null;
	/** Set while the deployment is Deployed. */
	url: string | null;
	preview_url: string | null;
	events: DeploymentEventView[];
}

export interface ScriptView {
	name: string;
	created_at: string;
	live_deployment_id: string | null;
	url: string | null;
	/** Its newest deployment, whatever its state (one that failed included); null before the first. */
	last_deployment: { id: string; state: DeploymentState; created_at: string } | null;
}

/** One of a script's secrets: never its value (docs/secrets.md). `type` is Cloudflare's word. */
export interface SecretView {
	name: string;
	type: "secret_text";
	updated_at: string;
}

export interface SecretsAnswer {
	secrets: SecretView[];
}

/**
 * A secret change's answer: the secrets now, and the deployment that carries the change (the live
 * deployment's code with the new secrets), or null when the script has no live deployment (its
 * next deployment gets them).
 */
export interface SecretsChangeAnswer {
	secrets: SecretView[];
	deployment: DeploymentView | null;
}

export const secretView = (s: { name: string; updatedAt: number }): SecretView => ({
	name: s.name,
	type: "secret_text",
	updated_at: iso(s.updatedAt),
});

/** An operator's plan: the per-request limits of every tenant on it. */
export interface PlanView {
	name: string;
	cpu_ms: number;
	sub_requests: number;
	/** Monthly budgets over all of a tenant's scripts; null: none. */
	requests_budget: number | null;
	cpu_ms_budget: number | null;
	updated_at: string;
}

/** `GET /v1/plans`: the plans with rows, and what a plan without one gets. */
export interface PlansAnswer {
	plans: PlanView[];
	default: { cpu_ms: number; sub_requests: number };
}

export interface TenantView {
	id: string;
	name: string;
	plan: string;
	created_at: string;
}

/** `GET /v1/tenants/:id` (operator): the tenant, the limits its plan gives, its egress allow-list. */
export interface TenantSettingsView {
	tenant: TenantView;
	limits: { name: string; cpu_ms: number; sub_requests: number; source: "plan" | "default" };
	egress: { hosts: string[] };
}

/** A token as issued: the secret is in the answer once and never again. */
export interface IssuedTokenView {
	id: string;
	name: string;
	token: string;
	created_at: string;
}

export interface TokenView {
	id: string;
	name: string;
	created_at: string;
	revoked_at: string | null;
	/** Whether this is the token the request was made with. */
	current: boolean;
}

/** `PUT /v1/scripts/:name`: the deployment, Deployed. */
export interface DeployAnswer {
	deployment: DeploymentView;
	url: string;
	preview_url: string;
}

/** `POST /v1/scripts/:name/rollback`. */
export interface RollbackAnswer {
	deployment: DeploymentView;
	url: string;
	previous_deployment_id: string | null;
}

/** `POST /v1/scripts/:name/assets-upload-session` (Cloudflare's shape): the token, and the hashes to upload in buckets. */
export interface AssetUploadSessionAnswer {
	jwt: string;
	buckets: string[][];
}

/** `POST /v1/assets/upload`: 202 `{}` while files of the session are missing, 201 with the completion token after the last. */
export interface AssetUploadAnswer {
	jwt?: string;
}

/** One line of the streamed deploy answer before the last (deploy/progress.ts). */
export interface ProgressLine {
	event: DeploymentEventView & { deployment_id: string };
}

/** One cron trigger of a script (docs/cron.md), with its last run: null until it first fired. */
export interface ScheduleView {
	cron: string;
	created_at: string;
	last_run: {
		/** The minute it fired for (the controller's `scheduledTime`). */
		at: string;
		/** The runtime's outcome: "ok", "exception", "exceededCpu", …, or "unavailable" (the platform could not run it). */
		outcome: string;
		duration_ms: number;
		deployment_id: string | null;
	} | null;
}

/** `GET` and `PUT /v1/scripts/:name/schedules`. */
export interface SchedulesAnswer {
	script: string;
	schedules: ScheduleView[];
}

export const scheduleView = (row: ScheduleRow): ScheduleView => ({
	cron: row.cron,
	created_at: iso(row.createdAt),
	last_run:
		row.lastRunAt === null
			? null
			: {
					at: iso(row.lastRunAt),
					outcome: row.lastOutcome ?? "unknown",
					duration_ms: row.lastDurationMs ?? 0,
					deployment_id: row.lastDeploymentId,
				},
});

/** Builds public URLs for labels, on the scheme and port the API was reached on. */
export type UrlFor = (label: string) => string;
export const urlBuilder = (domain: string, requestUrl: string): UrlFor => {
	const via = new URL(requestUrl);
	return (label) => labelUrl(label, domain, via);
};

export const eventView = (e: DeploymentEvent): DeploymentEventView => ({ from: e.from, to: e.to, at: iso(e.at), message: e.message });

export function deploymentView(
	d: DeploymentRow,
	scriptName: string,
	liveId: string | undefined,
	events: readonly DeploymentEvent[],
	url: UrlFor,
	now = Date.now(),
): DeploymentView {
	const reachable = d.state === "Deployed";
	return {
		id: d.id,
		script: scriptName,
		state: d.state,
		live: d.id === liveId,
		artifact_sha256: d.artifactSha256,
		size_bytes: d.sizeBytes,
		assets: d.assetFiles === null ? null : { files: d.assetFiles, bytes: d.assetBytes ?? 0 },
		created_at: iso(d.createdAt),
		updated_at: iso(d.updatedAt),
		// The two columns are written together (deploy/store.ts).
		error: d.errorStage ? { stage: d.errorStage, message: d.errorMessage ?? "" } : null,
		quarantined_until: d.quarantinedUntil && d.quarantinedUntil > now ? iso(d.quarantinedUntil) : null,
		url: reachable ? url(scriptName) : null,
		preview_url: reachable ? url(previewLabel(d.id, scriptName)) : null,
		events: events.map(eventView),
	};
}

export function scriptView(
	s: { name: string; createdAt: number },
	liveId: string | undefined,
	last: { id: string; state: DeploymentState; createdAt: number } | null,
	url: UrlFor,
): ScriptView {
	return {
		name: s.name,
		created_at: iso(s.createdAt),
		live_deployment_id: liveId ?? null,
		url: liveId ? url(s.name) : null,
		last_deployment: last ? { id: last.id, state: last.state, created_at: iso(last.createdAt) } : null,
	};
}

export const tokenView = (
	t: { id: string; name: string; createdAt: number; revokedAt: number | null },
	currentTokenId: string,
): TokenView => ({
	id: t.id,
	name: t.name,
	created_at: iso(t.createdAt),
	revoked_at: iso(t.revokedAt),
	current: t.id === currentTokenId,
});

import type { ScriptTotals, ScriptUsage } from "../../shared/telemetry/metrics";

export const tenantView = (t: { id: string; name: string; plan: string; createdAt: number }): TenantView => ({
	id: t.id,
	name: t.name,
	plan: t.plan,
	created_at: iso(t.createdAt),
});

/** A tenant's events (`GET /v1/events`, docs/api.md "Events"): the telemetry store's own shapes. */
export type { EventsPage as EventsAnswer, TenantEvent as EventView } from "../../shared/telemetry/events";
/** A script's metrics (`GET /v1/scripts/:name/metrics`), from its rollups (docs/telemetry.md, "Metrics"). */
export type { MetricsAnswer, MetricsPoint as MetricsPointView, ScriptUsage as UsageView } from "../../shared/telemetry/metrics";
/** A script's invocation records (`GET /v1/scripts/:name/logs`): the telemetry store's own shapes (docs/telemetry.md). */
export type { LogsPage as LogsAnswer } from "../../shared/telemetry/query";
export type { InvocationRecord as InvocationView, LogLine as LogLineView } from "../../shared/telemetry/record";

/** `GET /v1/metrics`: each of the tenant's scripts' requests and errors in the range, by name. */
export interface MetricsTotalsAnswer {
	since: string;
	until: string;
	scripts: ({ script: string } & ScriptTotals)[];
}

/** One script's line of `GET /v1/usage`. */
export interface UsageLineView extends ScriptUsage {
	script: string;
	/** When the script was deleted, if it was: its use in the month still counts. */
	deleted_at: string | null;
}

/** How close a tenant is to its plan's monthly budgets (docs/limits.md, "Budgets"); null: the plan sets none. */
export interface BudgetView {
	requests: { used: number; budget: number } | null;
	cpu_ms: { used: number; budget: number } | null;
	/** The budget the tenant went past in this month: its scripts answer 429 until the month ends or its plan changes. */
	exceeded: Budget | null;
}

export interface TenantUsageView {
	tenant: { id: string; name: string; plan: string };
	scripts: UsageLineView[];
	totals: ScriptUsage;
	budget: BudgetView;
}

/** `GET /v1/usage` with a tenant's token. */
export type UsageAnswer = { month: string } & TenantUsageView;
/** `GET /v1/usage` with the operator's admin token. */
export interface AllUsageAnswer {
	month: string;
	tenants: TenantUsageView[];
	totals: ScriptUsage;
}

/** One of the tenant's resources (`GET /v1/resources`). */
export interface ResourceView {
	type: ResourceType;
	/** The tenant's own name for it (a KV namespace's `id`, else its binding; a bucket's `bucket_name`; a D1 database's `database_name`, else its binding). */
	name: string;
	created_at: string;
	/** Keys (a bucket's objects; null for a D1 database) and bytes held, where the platform keeps the data itself (locally); null in production. */
	keys: number | null;
	bytes: number | null;
}

/** A Durable Object class of one of the tenant's scripts, as its live deployment has it (`GET /v1/resources`). */
export interface ObjectClassView {
	script: string;
	class_name: string;
	/** The env names that bind it in that deployment (none: only a migration creates it). */
	bindings: string[];
	/** Created by `new_sqlite_classes` (else `new_classes`; locally SQLite-backed either way). */
	sqlite: boolean;
	/** How many objects it has: null, since no store lists a class's objects cheaply (docs/api.md). */
	objects: number | null;
}

/** `GET /v1/resources`. */
export interface ResourcesAnswer {
	resources: ResourceView[];
	durable_objects: ObjectClassView[];
}

/** `GET /v1/kv/:namespace/keys`: one page of keys, in KV's shape. */
export interface KvKeysAnswer {
	keys: { name: string; expiration?: number; metadata?: unknown }[];
	list_complete: boolean;
	cursor?: string;
}

/** `POST /v1/d1/:database/query`: D1's result of the query (`{results, success, meta}`), as `wrangler d1 execute --json` prints it. */
export interface D1QueryAnswer {
	results: {
		success: true;
		meta: { changes: number; duration: number; last_row_id: number; rows_read: number; rows_written: number; size_after: number };
		results: Record<string, unknown>[];
	}[];
}
