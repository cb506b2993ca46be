/**
 * A tenant's scripts: the list, one script's page, rollback and delete (each behind a confirmation
 * page, then a form POST). Every read and write is the API's, with the tenant's token: another
 * tenant's script or deployment answers 404 there, so it does here.
 */
import { z } from "zod";
import { factory } from "../env";
import { fields } from "../forms";
import { ConfirmPage } from "../pages/confirm";
import { render } from "../pages/render";
import { ScriptPage } from "../pages/script";
import { ScriptsPage, scriptPath } from "../pages/scripts";

const rollbackForm = z.object({ csrf: z.string(), deployment_id: z.string().regex(/^[a-z0-9]{1,32}$/, "not a deployment id") });

export const scriptRoutes = factory
	.createApp()
	.get("/", async (c) => {
		// The last day's requests and errors of every script in one call (GET /v1/metrics).
		const [{ scripts }, day] = await Promise.all([c.var.api.listScripts(), c.var.api.metricsTotals({ since: "24h" })]);
		const summaries = new Map(day.scripts.map((line) => [line.script, line]));
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
