/**
 * Versions: Cloudflare's name for an upload that can serve. A Ferry deployment that reached
 * Deployed is one; its version id is its deployment id as a UUID (./ids.ts). An upload here runs
 * the one pipeline with `live: false`: it ends Deployed on its preview host only, and the live route
 * moves when a deployment names it (./deployments.ts), as Cloudflare's versions upload and deploy.
 */
import { ArtifactStore } from "../../../shared/artifacts";
import type { Database } from "../../../shared/db";
import type { DeploymentRow, ScriptRow } from "../../../shared/db/schema";
import { previewLabel } from "../../../shared/hosts";
import { iso } from "../../../shared/time";
import { deployedOf, findScript, liveDeploymentId, scriptDeployment } from "../deploy/queries";
import { deployAnswer, startDeploy } from "../deploy/start";
import { readUpload } from "../deploy/upload";
import { factory } from "../env";
import { type UrlFor, urlBuilder } from "../views";
import { cloudflareBindings, type DeploymentBindings } from "./bindings";
import { CloudflareError, ok } from "./envelope";
import { deploymentIdOf, versionIdOf } from "./ids";

/** A version in Cloudflare's shape; `runtime` (compatibility, bindings) comes from its manifest when asked for one version. */
export function versionResult(
	d: DeploymentRow,
	number: number,
	url: UrlFor,
	scriptName: string,
	runtime?: DeploymentBindings & { compatibilityDate: string; compatibilityFlags: string[] },
) {
	return {
		id: versionIdOf(d.id),
		number,
		metadata: {
			author_id: d.tenantId,
			author_email: "",
			source: "wrangler",
			created_on: iso(d.createdAt),
			modified_on: iso(d.updatedAt),
			has_preview: true,
			preview_url: url(previewLabel(d.id, scriptName)),
		},
		annotations: { "workers/triggered_by": "upload" },
		resources: {
			script: { etag: d.artifactSha256, handlers: ["fetch"], last_deployed_from: "wrangler" },
			script_runtime: {
				compatibility_date: runtime?.compatibilityDate,
				compatibility_flags: runtime?.compatibilityFlags ?? [],
				usage_model: "standard",
			},
			bindings: runtime ? cloudflareBindings(runtime) : [],
		},
	};
}

/** The script's Deployed deployment a version id names; anything else is Cloudflare's "version not found". */
export async function findVersion(db: Database, script: ScriptRow, versionId: string): Promise<DeploymentRow> {
	const id = deploymentIdOf(versionId);
	const deployment = id ? await scriptDeployment(db, script.id, id) : undefined;
	if (deployment?.state !== "Deployed") throw new CloudflareError(404, 10237, `version ${versionId} of script '${script.name}' not found`);
	return deployment;
}

export const versionEndpoints = factory
	.createApp()
	.get("/", async (c) => {
		const script = await findScript(c.var.db, c.var.tenant.id, c.req.param("name")!);
		const url = urlBuilder(c.env.TENANT_DOMAIN, c.req.url);
		// Newest first, as Cloudflare lists them; numbered from the oldest.
		const items = (await deployedOf(c.var.db, script.id)).map((d, i) => versionResult(d, i + 1, url, script.name)).reverse();
		return ok(c, { items }, { page: 1, per_page: Math.max(items.length, 1), count: items.length, total_count: items.length });
	})
	.get("/:version_id", async (c) => {
		const script = await findScript(c.var.db, c.var.tenant.id, c.req.param("name")!);
		const deployment = await findVersion(c.var.db, script, c.req.param("version_id"));
		const all = await deployedOf(c.var.db, script.id);
		const manifest = await new ArtifactStore(c.env.ARTIFACTS).getManifest(deployment.id);
		const url = urlBuilder(c.env.TENANT_DOMAIN, c.req.url);
		return ok(c, versionResult(deployment, all.findIndex((d) => d.id === deployment.id) + 1, url, script.name, manifest));
	})
	.post("/", async (c) => {
		const name = c.req.param("name")!;
		const db = c.var.db;
		// Cloudflare's version upload needs the Worker to exist (wrangler's `versions upload` says to deploy first).
		await findScript(db, c.var.tenant.id, name);
		const upload = await readUpload(c.req.raw);
		const { work } = await startDeploy(c.env, c.executionCtx, db, { tenantId: c.var.tenant.id, name, upload, live: false });
		const url = urlBuilder(c.env.TENANT_DOMAIN, c.req.url);
		const answer = deployAnswer(await work, name, await liveDeploymentId(db, name), url);
		const script = await findScript(db, c.var.tenant.id, name);
		const all = await deployedOf(db, script.id);
		const deployment = all.find((d) => d.id === answer.deployment.id)!;
		return ok(c, versionResult(deployment, all.length, url, name, upload));
	});
