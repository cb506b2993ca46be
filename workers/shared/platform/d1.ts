/**
 * PlatformReads over the platform's own D1 database and R2 bucket: the one place the request path's
 * SQL lives. Prepared statements rather than the ORM keep the dispatcher's bundle and hot path small.
 */
import { ArtifactStore } from "../artifacts";
import type { DeploymentAssets } from "../assets/manifest";
import { R2AssetStore } from "../assets/store";
import { DEFAULT_PLAN_LIMITS, type PlanLimits } from "../runtime/plans";
import type { RouteTarget } from "../runtime/route";
import { openSecrets } from "../secrets/crypto";
import type { DeploymentCode, PlatformReads } from "./reads";

/** The columns of a RouteTarget, from ROUTES_FROM (the cron fan-out reads live targets the same way: ../schedules/d1.ts). */
export const ROUTE_COLUMNS = `r.label, r.script_name AS scriptName, r.script_id AS scriptId, r.deployment_id AS deploymentId, s.tenant_id AS tenantId,
	d.asset_files AS assetFiles, d.quarantined_until AS quarantinedUntil,
	b.budget AS budgetExceeded, b.month AS budgetMonth, b.allowed AS budgetAllowed`;
export const ROUTES_FROM = `routes r JOIN scripts s ON s.id = r.script_id JOIN deployments d ON d.id = r.deployment_id
	LEFT JOIN budget_stops b ON b.tenant_id = s.tenant_id`;

/** D1 binds at most 100 parameters per statement; a deleted script may have a preview label per deployment. */
const MAX_BOUND = 100;
const routesQuery = (count: number) =>
	count === 1
		? `SELECT ${ROUTE_COLUMNS} FROM ${ROUTES_FROM} WHERE r.label = ?1`
		: `SELECT ${ROUTE_COLUMNS} FROM ${ROUTES_FROM} WHERE r.label IN (${Array.from({ length: count }, (_, i) => `?${i + 1}`).join(", ")})`;

const LIMITS_QUERY = `SELECT p.cpu_ms AS cpuMs, p.sub_requests AS subRequests
	FROM tenants t JOIN plans p ON p.name = t.plan WHERE t.id = ?1`;

const SECRETS_QUERY = "SELECT script_id AS scriptId, secrets FROM deployments WHERE id = ?1";

/** The labels' routes: one indexed read for one label, one batch of IN queries for many. */
export async function readRoutes(db: D1Database, labels: readonly string[]): Promise<RouteTarget[]> {
	if (labels.length === 0) return [];
	if (labels.length === 1) {
		const target = await db.prepare(routesQuery(1)).bind(labels[0]).first<RouteTarget>();
		return target ? [target] : [];
	}
	const chunks: (readonly string[])[] = [];
	for (let i = 0; i < labels.length; i += MAX_BOUND) chunks.push(labels.slice(i, i + MAX_BOUND));
	const answers = await db.batch<RouteTarget>(chunks.map((chunk) => db.prepare(routesQuery(chunk.length)).bind(...chunk)));
	return answers.flatMap((answer) => answer.results);
}

/**
 * Every live route (no preview labels: a preview host is read on its first request), oldest
 * deployment first: what a local runtime process's route table starts with (local/control/route-preload.ts).
 */
export async function readLiveRoutes(db: D1Database): Promise<RouteTarget[]> {
	const { results } = await db
		.prepare(`SELECT ${ROUTE_COLUMNS} FROM ${ROUTES_FROM} WHERE r.label NOT LIKE '%--%' ORDER BY d.created_at`)
		.all<RouteTarget>();
	return results;
}

export async function readLimits(db: D1Database, tenantId: string): Promise<PlanLimits> {
	return (await db.prepare(LIMITS_QUERY).bind(tenantId).first<PlanLimits>()) ?? { ...DEFAULT_PLAN_LIMITS };
}

export async function readAllowList(db: D1Database, tenantId: string): Promise<string[]> {
	const { results } = await db.prepare("SELECT host FROM egress_allow_list WHERE tenant_id = ?1").bind(tenantId).all<{ host: string }>();
	return results.map((row) => row.host.toLowerCase());
}

export class D1PlatformReads implements PlatformReads {
	private readonly artifacts: ArtifactStore;
	private readonly assets: R2AssetStore;

	constructor(
		private readonly db: D1Database,
		bucket: R2Bucket,
		/** FERRY_SECRETS_KEY; without it, a deployment with secrets cannot be read. */
		private readonly secretsKey?: string,
	) {
		this.artifacts = new ArtifactStore(bucket);
		this.assets = new R2AssetStore(bucket);
	}

	routes(labels: readonly string[]): Promise<RouteTarget[]> {
		return readRoutes(this.db, labels);
	}

	limits(tenantId: string): Promise<PlanLimits> {
		return readLimits(this.db, tenantId);
	}

	allowList(tenantId: string): Promise<string[]> {
		return readAllowList(this.db, tenantId);
	}

	/** Once per isolate start of the deployment (the caller caches it): R2, one indexed D1 read, and the secrets opened. */
	async deploymentCode(deploymentId: string): Promise<DeploymentCode> {
		const [code, row] = await Promise.all([
			this.artifacts.getDeployment(deploymentId),
			this.db.prepare(SECRETS_QUERY).bind(deploymentId).first<{ scriptId: string; secrets: string | null }>(),
		]);
		const sealed = row?.secrets ? (JSON.parse(row.secrets) as Record<string, string>) : {};
		return { ...code, secrets: row ? await openSecrets(this.secretsKey, row.scriptId, sealed) : {} };
	}

	deploymentAssets(deploymentId: string): Promise<DeploymentAssets> {
		return this.assets.deploymentAssets(deploymentId);
	}

	blob(tenantId: string, hash: string): Promise<ReadableStream<Uint8Array> | null> {
		return this.assets.blob(tenantId, hash);
	}
}
