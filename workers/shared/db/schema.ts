/**
 * The platform's D1 schema. drizzle-kit turns this file into the SQL migrations in d1-migrations/
 * (`npm run db:generate`); nothing creates tables from application code.
 *
 * Times are integer milliseconds since the epoch.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { DEPLOYMENT_STATES } from "../deployments/states";
import { RESOURCE_TYPES } from "../resources/index";
import { BUDGETS } from "../runtime/plans";

export const tenants = sqliteTable("tenants", {
	id: text("id").primaryKey(),
	name: text("name").notNull().unique(),
	plan: text("plan").notNull().default("free"),
	createdAt: integer("created_at").notNull(),
});

export const apiTokens = sqliteTable(
	"api_tokens",
	{
		id: text("id").primaryKey(),
		tenantId: text("tenant_id")
			.notNull()
			.references(() => tenants.id),
		name: text("name").notNull(),
		// sha256 of the token; the token itself is shown once and never stored.
		tokenHash: text("token_hash").notNull().unique(),
		createdAt: integer("created_at").notNull(),
		lastUsedAt: integer("last_used_at"),
		revokedAt: integer("revoked_at"),
	},
	(t) => [index("api_tokens_tenant").on(t.tenantId)],
);

export const scripts = sqliteTable(
	"scripts",
	{
		id: text("id").primaryKey(),
		tenantId: text("tenant_id")
			.notNull()
			.references(() => tenants.id),
		name: text("name").notNull(),
		createdAt: integer("created_at").notNull(),
		deletedAt: integer("deleted_at"),
		// Bumped by every write of the script's secrets, in the same batch: a deployment goes live only
		// if the secrets it was loaded with are still the script's (workers/api/src/deploy/store.ts activate()).
		secretsVersion: integer("secrets_version").notNull().default(0),
	},
	(t) => [
		// A name is a hostname: unique among scripts that still exist, free again once deleted.
		uniqueIndex("scripts_live_name").on(t.name).where(sql`deleted_at IS NULL`),
		index("scripts_tenant").on(t.tenantId),
	],
);

export const deployments = sqliteTable(
	"deployments",
	{
		id: text("id").primaryKey(),
		scriptId: text("script_id")
			.notNull()
			.references(() => scripts.id),
		tenantId: text("tenant_id")
			.notNull()
			.references(() => tenants.id),
		state: text("state", { enum: DEPLOYMENT_STATES }).notNull(),
		// sha256 of the canonical module list: equal for byte-identical uploads.
		artifactSha256: text("artifact_sha256").notNull(),
		sizeBytes: integer("size_bytes").notNull(),
		// Static assets (docs/assets.md): how many files and bytes; null when the deployment has none.
		assetFiles: integer("asset_files"),
		assetBytes: integer("asset_bytes"),
		errorStage: text("error_stage"),
		errorMessage: text("error_message"),
		// Set when the local platform quarantined the deployment (it stopped a runtime process: an
		// endless loop, runaway memory): until then its requests answer the 503 "exceeded its limits"
		// page without running its code. Written by deploy/store.ts's quarantine().
		quarantinedUntil: integer("quarantined_until"),
		// The handlers its main module's default export has (JSON array: "fetch", "scheduled", …), as the
		// runtime found them at Loaded; null before Loaded, for assets only, and for deployments older
		// than the column.
		handlers: text("handlers", { mode: "json" }).$type<string[]>(),
		// The secrets this deployment runs with, sealed as the `secrets` table holds them: JSON
		// {name: "v1.<iv>.<ciphertext>"}, written by the Deployed batch (never in clear; docs/secrets.md).
		// Null: none. A deployment's secrets never change; a secret change is a new deployment.
		secrets: text("secrets"),
		createdAt: integer("created_at").notNull(),
		updatedAt: integer("updated_at").notNull(),
	},
	(t) => [index("deployments_script").on(t.scriptId, t.createdAt)],
);

export type ScriptRow = typeof scripts.$inferSelect;

/**
 * A script's cron triggers (docs/cron.md): the script's, not a deployment's (as Cloudflare's), so a
 * rollback keeps them; a deploy whose upload names `schedules` (wrangler's `[triggers] crons`)
 * replaces them in its Deployed batch, `PUT /v1/scripts/:name/schedules` sets them. The last run is
 * written by the fan-out each minute a cron fires (the dispatcher's own cron in production, the local
 * platform's minute tick locally): its scheduled time, the runtime's outcome and how long it took.
 */
export const schedules = sqliteTable(
	"schedules",
	{
		scriptId: text("script_id")
			.notNull()
			.references(() => scripts.id),
		cron: text("cron").notNull(),
		createdAt: integer("created_at").notNull(),
		lastRunAt: integer("last_run_at"),
		// The runtime's outcome of the last run: "ok", "exception", "exceededCpu", … (workerd's), or
		// Ferry's own "unavailable" when the platform could not run it.
		lastOutcome: text("last_outcome"),
		lastDurationMs: integer("last_duration_ms"),
		lastDeploymentId: text("last_deployment_id"),
	},
	(t) => [primaryKey({ columns: [t.scriptId, t.cron] })],
);

export type ScheduleRow = typeof schedules.$inferSelect;

/**
 * A script's secrets as they are now (what its next deployment gets): each value AES-GCM-sealed
 * under the platform's key FERRY_SECRETS_KEY with `<script id>/<name>` as additional data
 * (workers/shared/secrets/crypto.ts), stored as `v1.<iv>.<ciphertext>`. Written only by
 * workers/api/src/secrets/store.ts, each write with a bump of `scripts.secrets_version`.
 */
export const secrets = sqliteTable(
	"secrets",
	{
		scriptId: text("script_id")
			.notNull()
			.references(() => scripts.id),
		name: text("name").notNull(),
		ciphertext: text("ciphertext").notNull(),
		updatedAt: integer("updated_at").notNull(),
	},
	(t) => [primaryKey({ columns: [t.scriptId, t.name] })],
);

export type SecretRow = typeof secrets.$inferSelect;
export type DeploymentRow = typeof deployments.$inferSelect;

export const deploymentEvents = sqliteTable(
	"deployment_events",
	{
		id: integer("id").primaryKey({ autoIncrement: true }),
		deploymentId: text("deployment_id")
			.notNull()
			.references(() => deployments.id),
		fromState: text("from_state", { enum: DEPLOYMENT_STATES }),
		toState: text("to_state", { enum: DEPLOYMENT_STATES }).notNull(),
		message: text("message"),
		at: integer("at").notNull(),
	},
	(t) => [index("deployment_events_deployment").on(t.deploymentId, t.id)],
);

/**
 * The routing table the dispatcher reads. `label` is the hostname's first label:
 * `hello` (live: moves on deploy and rollback) or `<deployment-id>--hello` (preview: fixed).
 */
export const routes = sqliteTable(
	"routes",
	{
		label: text("label").primaryKey(),
		kind: text("kind", { enum: ["live", "preview"] }).notNull(),
		scriptId: text("script_id")
			.notNull()
			.references(() => scripts.id),
		scriptName: text("script_name").notNull(),
		deploymentId: text("deployment_id")
			.notNull()
			.references(() => deployments.id),
		updatedAt: integer("updated_at").notNull(),
	},
	(t) => [index("routes_script").on(t.scriptId)],
);

/**
 * The history of each script's live route, written in the same batch as the route itself
 * (workers/api/src/deploy/store.ts): which deployment went live when, and how. `deploy`: its
 * pipeline reached Deployed; `rollback`: a rollback moved the route back to it; `version`: a version
 * uploaded without going live was deployed later (/client/v4's deployments, docs/wrangler.md).
 */
export const LIVE_MOVE_REASONS = ["deploy", "rollback", "version"] as const;
export type LiveMoveReason = (typeof LIVE_MOVE_REASONS)[number];

export const liveMoves = sqliteTable(
	"live_moves",
	{
		id: integer("id").primaryKey({ autoIncrement: true }),
		scriptId: text("script_id")
			.notNull()
			.references(() => scripts.id),
		deploymentId: text("deployment_id")
			.notNull()
			.references(() => deployments.id),
		reason: text("reason", { enum: LIVE_MOVE_REASONS }).notNull(),
		at: integer("at").notNull(),
	},
	(t) => [index("live_moves_script").on(t.scriptId, t.id)],
);

/**
 * What a tenant's plan (`tenants.plan`) allows per request. The dispatcher passes these to the runtime
 * (`limits` of the dispatch-namespace binding / Worker Loader entrypoint). A plan without a row gets
 * DEFAULT_PLAN_LIMITS (workers/shared/runtime/plans.ts); operators manage rows with `PUT /v1/plans/:name`.
 */
export const plans = sqliteTable("plans", {
	name: text("name").primaryKey(),
	// CPU time per request in milliseconds.
	cpuMs: integer("cpu_ms").notNull(),
	// Outbound requests (fetch, and in production also binding calls) per request.
	subRequests: integer("sub_requests").notNull(),
	// Monthly budgets of a tenant on the plan, all its scripts together (docs/limits.md, "Budgets"); null: none.
	requestsBudget: integer("requests_budget"),
	cpuMsBudget: integer("cpu_ms_budget"),
	updatedAt: integer("updated_at").notNull(),
});

/**
 * A tenant past one of its plan's monthly budgets: the dispatcher reads this row with the tenant's
 * routes (workers/shared/platform/d1.ts) and answers its scripts with the 429 page while `month` is
 * the current UTC month. Written by the budget check (workers/api/src/budgets/), deleted when the
 * tenant's plan or the plan's budgets change. At most one per tenant.
 */
export const budgetStops = sqliteTable("budget_stops", {
	tenantId: text("tenant_id")
		.primaryKey()
		.references(() => tenants.id),
	// YYYY-MM (UTC): the month whose use went past the budget; a later month is not stopped.
	month: text("month").notNull(),
	budget: text("budget", { enum: BUDGETS }).notNull(),
	used: integer("used").notNull(),
	allowed: integer("allowed").notNull(),
	at: integer("at").notNull(),
});

/**
 * The hosts a tenant's code may reach (egress policy, workers/outbound/). No rows: no network.
 * `host` is a lowercase hostname, or `*.example.com` for every subdomain of example.com (validated by
 * allowListEntryProblem in workers/shared/egress/policy.ts; set with `PUT /v1/tenants/:id/egress`).
 */
export const egressAllowList = sqliteTable(
	"egress_allow_list",
	{
		tenantId: text("tenant_id")
			.notNull()
			.references(() => tenants.id),
		host: text("host").notNull(),
		createdAt: integer("created_at").notNull(),
	},
	(t) => [primaryKey({ columns: [t.tenantId, t.host] })],
);

/**
 * The static assets a tenant holds (bytes in R2 under `assets/<tenant-id>/<hash>`, see
 * workers/shared/assets/store.ts): which hashes an upload session can skip. Per tenant: another
 * tenant's identical file is not one this tenant holds. A row is written after its R2 object, so a
 * row always has its bytes.
 */
export const assets = sqliteTable(
	"assets",
	{
		tenantId: text("tenant_id")
			.notNull()
			.references(() => tenants.id),
		// wrangler's asset hash (workers/shared/assets/hash.ts), verified against the bytes on upload.
		hash: text("hash").notNull(),
		size: integer("size").notNull(),
		// As uploaded; null: served without a content type.
		contentType: text("content_type"),
		createdAt: integer("created_at").notNull(),
	},
	(t) => [primaryKey({ columns: [t.tenantId, t.hash] })],
);

/**
 * The panel's sign-in sessions (workers/panel/src/session/). The browser holds only a random secret
 * (its `__Host-` cookie); the row is found by the secret's sha256 and holds the API token the user
 * signed in with encrypted (AES-GCM) under a key derived from that secret, so neither a copy of the
 * database nor the cookie alone yields a token. `kind` says whose view it is: a tenant's token or
 * the operator's admin token. Expiry is the server's (`expires_at`); signing out deletes the row.
 */
export const panelSessions = sqliteTable(
	"panel_sessions",
	{
		// sha256 (hex) of the cookie's secret.
		id: text("id").primaryKey(),
		kind: text("kind", { enum: ["tenant", "operator"] }).notNull(),
		// The tenant's id and name for a tenant's session; null for the operator's.
		tenantId: text("tenant_id").references(() => tenants.id),
		tenantName: text("tenant_name"),
		// IV and AES-GCM ciphertext of the API token, base64.
		tokenCiphertext: text("token_ciphertext").notNull(),
		createdAt: integer("created_at").notNull(),
		expiresAt: integer("expires_at").notNull(),
	},
	(t) => [index("panel_sessions_expires").on(t.expiresAt)],
);

export type PanelSessionRow = typeof panelSessions.$inferSelect;

/**
 * Tenants' resources (infrastructure from code, docs/bindings.md): one row per resource a tenant's
 * deployments bound, provisioned on the first deploy that names it. `name` is the tenant's own
 * (a KV namespace's `id`, else its binding), unique within the tenant and type; two tenants' equal
 * names are two resources. `production_id` is the Cloudflare resource's id once the dispatch-namespace
 * publisher created it (null locally: the data lives in the resources Worker, keyed by tenant and name).
 * Deleting a script leaves its resources; `ferry resources delete` deletes one and its data.
 */
export const resources = sqliteTable(
	"resources",
	{
		tenantId: text("tenant_id")
			.notNull()
			.references(() => tenants.id),
		type: text("type", { enum: RESOURCE_TYPES }).notNull(),
		name: text("name").notNull(),
		productionId: text("production_id"),
		createdAt: integer("created_at").notNull(),
	},
	(t) => [primaryKey({ columns: [t.tenantId, t.type, t.name] })],
);

export type ResourceRow = typeof resources.$inferSelect;
