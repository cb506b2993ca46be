/**
 * A tenant's scripts: the list, one script's page, rollback and delete (each behind a confirmation
 * page, then a form POST). Every read and write is the API's, with the tenant's token: another
 * tenant's script or deployment answers 404 there, so it does here.
 */
import { z } from "zod";
import type { FerryApi } from "../../../shared/api-client/index.ts";
import type { Script } from "../../../shared/api-client/types.ts";
import { factory } from "../env";
import { fields } from "../forms";
import { ConfirmPage } from "../pages/confirm";
import { render } from "../pages/render";
import { ScriptPage } from "../pages/script";
import { type DaySummary, ScriptsPage, SUMMARIZED_SCRIPTS, scriptPath } from "../pages/scripts";

/** Metrics calls in flight at once (a Worker has 6 connections at a time anyway). */
const SUMMARY_CONCURRENCY = 6;

/**
 * Each of the first SUMMARIZED_SCRIPTS scripts' requests and errors over the last 24 hours, from its
 * metrics (`GET /v1/scripts/:name/metrics`, one call per script, at most SUMMARY_CONCURRENCY at a
 * time). A script whose metrics did not come (deleted meanwhile, the store unavailable) has none:
 * the list still shows.
 */
async function daySummaries(api: FerryApi, scripts: Script[]): Promise<Map<string, DaySummary>> {
	const summaries = new Map<string, DaySummary>();
	const names = scripts.slice(0, SUMMARIZED_SCRIPTS).map((script) => script.name);
	for (let i = 0; i < names.length; i += SUMMARY_CONCURRENCY) {
		const chunk = names.slice(i, i + SUMMARY_CONCURRENCY);
		const answers = await Promise.allSettled(chunk.map((name) => api.scriptMetrics(name, { since: "24h", step: "1h" })));
		answers.forEach((answer, j) => {
			if (answer.status !== "fulfilled") return;
			const { points } = answer.value;
			summaries.set(chunk[j]!, {
				requests: points.reduce((n, p) => n + p.requests, 0),
				errors: points.reduce((n, p) => n + p.errors, 0),
			});
		});
	}
	return summaries;
}

const rollbackForm = z.object({ csrf: z.string(), deployment_id: z.string().regex(/^[a-z0-9]{1,32}$/, "not a deployment id") });

export const scriptRoutes = factory
	.createApp()
	.get("/", async (c) => {
		const { scripts } = await c.var.api.listScripts();
		const summaries = await daySummaries(c.var.api, scripts);
		const deleted = c.req.query("deleted");
		return render(
			c,
			<ScriptsPage session={c.var.session} scripts={scripts} summaries={summaries} notice={deleted ? `Deleted ${deleted}.` : undefined} />,
		);
	})
	.get("/:name", async (c) => {
		const name = c.req.param("name");
		const [{ script }, { deployments }] = await Promise.all([c.var.api.getScript(name), c.var.api.listDeployments(name, 50)]);
		const rolledBack = c.req.query("rolled-back");
		const notice = rolledBack ? `Rolled back: ${rolledBack} is live.` : undefined;
		return render(c, <ScriptPage session={c.var.session} script={script} deployments={deployments} notice={notice} />);
	})
	.get("/:name/rollback/:id", async (c) => {
		const name = c.req.param("name");
		// The deployment as the API shows this tenant: another tenant's is a 404 here already.
		const { deployment } = await c.var.api.getDeployment(c.req.param("id"));
		if (deployment.script !== name)
			return c.redirect(`${scriptPath(deployment.script)}/rollback/${encodeURIComponent(deployment.id)}`, 303);
		return render(
			c,
			<ConfirmPage
				session={c.var.session}
				title={`Roll back ${name}?`}
				action={`${scriptPath(name)}/rollback`}
				values={{ deployment_id: deployment.id }}
				button={`Roll back to ${deployment.id}`}
				back={scriptPath(name)}
			>
				<p>
					The live URL of <strong>{name}</strong> will serve deployment <code>{deployment.id}</code> (created {deployment.created_at}) at
					once. Nothing is rebuilt; you can roll forward the same way.
				</p>
			</ConfirmPage>,
		);
	})
	.post("/:name/rollback", async (c) => {
		const name = c.req.param("name");
		const { deployment_id } = fields(c, rollbackForm);
		const { deployment } = await c.var.api.rollback(name, deployment_id);
		return c.redirect(`${scriptPath(name)}?rolled-back=${encodeURIComponent(deployment.id)}`, 303);
	})
	.get("/:name/delete", async (c) => {
		const { script } = await c.var.api.getScript(c.req.param("name"));
		return render(
			c,
			<ConfirmPage
				session={c.var.session}
				title={`Delete ${script.name}?`}
				action={`${scriptPath(script.name)}/delete`}
				button={`Delete ${script.name}`}
				back={scriptPath(script.name)}
				danger
			>
				<p>Its URL and every preview URL stop serving at once, and its deployments are gone. The name becomes free for anyone to claim.</p>
			</ConfirmPage>,
		);
	})
	.post("/:name/delete", async (c) => {
		const name = c.req.param("name");
		await c.var.api.deleteScript(name);
		return c.redirect(`/scripts?deleted=${encodeURIComponent(name)}`, 303);
	});
