import { eventsFor, liveDeploymentId, tenantDeployment } from "../deploy/queries";
import { factory } from "../env";
import { deploymentView, urlBuilder } from "../views";

export const deploymentEndpoints = factory.createApp().get("/:id", async (c) => {
	const db = c.var.db;
	const id = c.req.param("id");
	const row = await tenantDeployment(db, c.var.tenant.id, id);
	const [events, liveId] = await Promise.all([
		eventsFor(db, [id]),
		row.scriptDeleted === null ? liveDeploymentId(db, row.scriptName) : undefined,
	]);
	const view = deploymentView(row.deployment, row.scriptName, liveId, events.get(id) ?? [], urlBuilder(c.env.TENANT_DOMAIN, c.req.url));
	return c.json({ deployment: view });
});
