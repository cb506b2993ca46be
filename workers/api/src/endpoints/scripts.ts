/**
 * `/v1/scripts`: deploy, list, show, history, rollback, delete. HTTP only: reads are
 * ../deploy/queries.ts, writes ../deploy/store.ts, the pipeline ../deploy/pipeline.ts, the JSON
 * shapes ../views.ts.
 */
import { z } from "zod";
import { ArtifactStore } from "../../../shared/artifacts";
import { R2AssetStore } from "../../../shared/assets/store";
import { previewLabel } from "../../../shared/hosts";
import { FerryError } from "../../../shared/http/errors";
import { scriptNameProblem } from "../../../shared/names";
import { iso } from "../../../shared/time";
import { sessionForDeploy } from "../assets/deploy";
import { routeControl, routesMoved, runDeployment } from "../deploy/pipeline";
import { ProgressStream, wantsProgress } from "../deploy/progress";
import { deploymentsOf, eventsFor, findScript, liveDeploymentId, scriptsOf } from "../deploy/queries";
import { rollback } from "../deploy/rollback";
import { claimScript, type DeploymentRecord, deleteScript } from "../deploy/store";
import { deployHold } from "../deploy/test-hold";
import { readUpload } from "../deploy/upload";
import { factory } from "../env";
import { publisherFor } from "../publish";
import { validate } from "../validate";
import { type DeployAnswer, deploymentView, type RollbackAnswer, scriptView, type UrlFor, urlBuilder } from "../views";

function checkScriptName(name: string): void {
	const problem = scriptNameProblem(name);
	if (problem) throw new FerryError("invalid_script_name", `invalid script name '${name}': ${problem}`);
}

const rollbackBody = z.strictObject({ deployment_id: z.string().min(1).optional() });

export const scriptEndpoints = factory
	.createApp()
	.get("/", async (c) => {
		const rows = await scriptsOf(c.var.db, c.var.tenant.id);
		const url = urlBuilder(c.env.TENANT_DOMAIN, c.req.url);
		return c.json({ scripts: rows.map((s) => scriptView(s, s.liveId ?? undefined, url)) });
	})
	.get("/:name", async (c) => {
		const script = await findScript(c.var.db, c.var.tenant.id, c.req.param("name"));
		const liveId = await liveDeploymentId(c.var.db, script.name);
		return c.json({ script: scriptView(script, liveId, urlBuilder(c.env.TENANT_DOMAIN, c.req.url)) });
	})
	.put("/:name", async (c) => {
		const name = c.req.param("name");
		checkScriptName(name);
		const upload = await readUpload(c.req.raw);
		const db = c.var.db;
		const tenantId = c.var.tenant.id;
		const assets = new R2AssetStore(c.env.ARTIFACTS);
		// The asset token is checked before anything is stored (or a script claimed): a 400 leaves no trace.
		const assetSession = upload.assets
			? await sessionForDeploy({ store: assets, adminToken: c.env.FERRY_ADMIN_TOKEN }, tenantId, name, upload.assets)
			: undefined;
		const progress = wantsProgress(c.req.header("accept")) ? new ProgressStream() : undefined;
		const publisher = publisherFor(c.env);
		// The upload is complete from here on: claiming the name and every stage run under waitUntil, so
		// the deployment finishes even if the client goes away (Ctrl-C). Never half a deploy.
		const work = claimScript(db, tenantId, name).then(({ script, released }) => {
			// A name released by another tenant's script that never served: its uploads, if any, go.
			if (released) c.executionCtx.waitUntil(publisher.remove(released.script, released.sent));
			return runDeployment(
				{
					db,
					artifacts: new ArtifactStore(c.env.ARTIFACTS),
					assets,
					publisher,
					routeControl: routeControl(c.env),
					hold: deployHold(c.env.FERRY_TEST_DEPLOY_HOLD, name),
				},
				{ tenantId, scriptId: script.id, scriptName: name },
				{ ...upload, ...(assetSession ? { assetSession } : {}) },
				progress?.push,
			);
		});
		c.executionCtx.waitUntil(work.catch(() => undefined));
		const outcome = async () =>
			deployAnswer(await work, name, await liveDeploymentId(db, name), urlBuilder(c.env.TENANT_DOMAIN, c.req.url));
		if (!progress) return c.json(await outcome());
		// A refusal before the deployment exists (a taken name) still answers with its own status.
		await Promise.race([progress.started, work]);
		return progress.respond(outcome(), c.req.raw);
	})
	.get("/:name/deployments", validate("query", z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) })), async (c) => {
		const db = c.var.db;
		const script = await findScript(db, c.var.tenant.id, c.req.param("name"));
		const rows = await deploymentsOf(db, script.id, c.req.valid("query").limit);
		const [events, liveId] = await Promise.all([
			eventsFor(
				db,
				rows.map((r) => r.id),
			),
			liveDeploymentId(db, script.name),
		]);
		const url = urlBuilder(c.env.TENANT_DOMAIN, c.req.url);
		return c.json({ deployments: rows.map((d) => deploymentView(d, script.name, liveId, events.get(d.id) ?? [], url)) });
	})
	.post("/:name/rollback", validate("json", rollbackBody), async (c) => {
		const db = c.var.db;
		const script = await findScript(db, c.var.tenant.id, c.req.param("name"));
		const { target, previousId } = await rollback(db, script, c.req.valid("json").deployment_id);
		await routesMoved(routeControl(c.env), [script.name]);
		const events = await eventsFor(db, [target.id]);
		const url = urlBuilder(c.env.TENANT_DOMAIN, c.req.url);
		const answer: RollbackAnswer = {
			deployment: deploymentView(target, script.name, target.id, events.get(target.id) ?? [], url),
			url: url(script.name),
			previous_deployment_id: previousId ?? null,
		};
		return c.json(answer);
	})
	.delete("/:name", async (c) => {
		const script = await findScript(c.var.db, c.var.tenant.id, c.req.param("name"));
		const { deletedAt, labels, sent } = await deleteScript(c.var.db, script.id);
		await Promise.all([routesMoved(routeControl(c.env), labels), publisherFor(c.env).remove({ id: script.id, name: script.name }, sent)]);
		return c.json({ script: { name: script.name, deleted_at: iso(deletedAt) } });
	});

/**
 * The deploy call's answer body. A deployment that did not end Deployed is a `deployment_failed` error,
 * or `platform_unavailable` (503) when the platform, not the code, was at fault, or `conflict` (409)
 * when its script was deleted while it was in progress (nothing failed: there is no script to serve).
 */
function deployAnswer(
	{ deployment, events, unavailable }: DeploymentRecord,
	name: string,
	liveId: string | undefined,
	url: UrlFor,
): DeployAnswer {
	const view = deploymentView(deployment, name, liveId, events, url);
	if (deployment.state === "Deleted")
		throw new FerryError("conflict", `the script was deleted while this deployment was in progress; deploy again`, {
			deployment: view,
		});
	if (deployment.state !== "Deployed")
		throw new FerryError(
			unavailable ? "platform_unavailable" : "deployment_failed",
			`deployment ${deployment.id} failed at the ${deployment.errorStage} stage: ${deployment.errorMessage}`,
			{ deployment: view },
		);
	return { deployment: view, url: url(name), preview_url: url(previewLabel(deployment.id, name)) };
}
