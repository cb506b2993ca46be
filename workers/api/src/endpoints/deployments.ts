import { and, eq } from "drizzle-orm";
import { deployments, scripts } from "../../../shared/db/schema";
import { notFound } from "../../../shared/http/errors";
import { factory } from "../env";
import { deploymentView, eventsFor, liveDeploymentId, urlBuilder } from "../views";

export const deploymentEndpoints = factory.createApp().get("/:id", async (c) => {
	const db = c.var.db;
	const id = c.req.param("id");
	const [row] = await db
		.select({ deployment: deployments, scriptName: scripts.name, scriptDeleted: scripts.deletedAt })
		.from(deployments)
		.innerJoin(scripts, eq(scripts.id, deployments.scriptId))
		.where(and(eq(deployments.id, id), eq(deployments.tenantId, c.var.tenant.id)))
		.limit(1);
	if (!row) throw notFound(`deployment '${id}'`);
	const [events, liveId] = await Promise.all([
		eventsFor(db, [id]),
		row.scriptDeleted === null ? liveDeploymentId(db, row.scriptName) : undefined,
	]);
	const view = deploymentView(row.deployment, row.scriptName, liveId, events.get(id) ?? [], urlBuilder(c.env.PLATFORM_DOMAIN, c.req.url));
	return c.json({ deployment: view });
});
