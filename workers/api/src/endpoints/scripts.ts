/**
 * `/v1/scripts`: deploy, list, show, history, rollback, delete. HTTP only: reads are
 * ../deploy/queries.ts, writes ../deploy/store.ts, the pipeline ../deploy/pipeline.ts, the JSON
 * shapes ../views.ts.
 */
import { z } from "zod";
import { iso } from "../../../shared/time";
import { routeControl, routesMoved } from "../deploy/pipeline";
import { ProgressStream, wantsProgress } from "../deploy/progress";
import { deploymentsOf, eventsFor, findScript, lastDeploymentOf, liveDeploymentId, scriptsOf } from "../deploy/queries";
import { removeScript } from "../deploy/remove";
import { rollback } from "../deploy/rollback";
import { deployAnswer, liveAfter, startDeploy } from "../deploy/start";
import { readUpload } from "../deploy/upload";
import { factory } from "../env";
import { recordEvent } from "../events";
import { checkScriptName, validate } from "../validate";
import { deploymentView, type RollbackAnswer, scriptView, urlBuilder } from "../views";

const rollbackBody = z.strictObject({ deployment_id: z.string().min(1).optional() });

export const scriptEndpoints = factory
	.createApp()
	.get("/", async (c) => {
		const rows = await scriptsOf(c.var.db, c.var.tenant.id);
		const url = urlBuilder(c.env.TENANT_DOMAIN, c.req.url);
		return c.json({ scripts: rows.map((s) => scriptView(s, s.liveId ?? undefined, s.last, url)) });
	})
	.get("/:name", async (c) => {
		const script = await findScript(c.var.db, c.var.tenant.id, c.req.param("name"));
		const [liveId, last] = await Promise.all([liveDeploymentId(c.var.db, script.name), lastDeploymentOf(c.var.db, script.id)]);
		return c.json({ script: scriptView(script, liveId, last, urlBuilder(c.env.TENANT_DOMAIN, c.req.url)) });
	})
	.put("/:name", async (c) => {
		const name = c.req.param("name");
		checkScriptName(name);
		const upload = await readUpload(c.req.raw);
		const db = c.var.db;
		const progress = wantsProgress(c.req.header("accept")) ? new ProgressStream() : undefined;
		const { work } = await startDeploy(c.env, c.executionCtx, db, {
			tenantId: c.var.tenant.id,
			name,
			upload,
			...(progress ? { onEvent: progress.push } : {}),
		});
		const outcome = async () => {
			const record = await work;
			return deployAnswer(record, name, await liveAfter(db, record, name), urlBuilder(c.env.TENANT_DOMAIN, c.req.url));
		};
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
		await Promise.all([
			routesMoved(routeControl(c.env), [script.name]),
			recordEvent(c.env, script.tenantId, {
				type: "rollback",
				script: script.name,
				deployment_id: target.id,
				detail: { previous_deployment_id: previousId ?? null },
			}),
		]);
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
		const deletedAt = await removeScript(c.env, c.var.db, script);
		return c.json({ script: { name: script.name, deleted_at: iso(deletedAt) } });
	});
