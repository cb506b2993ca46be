/**
 * Deployments: Cloudflare's name for which version serves. Ferry serves one version at a time (the
 * live route), so a deployment is a move of that route: the history is `live_moves`
 * (../deploy/queries.ts `liveMovesOf`), and creating one is /v1's rollback to the version named
 * (../deploy/rollback.ts), never a rebuild. Percentages other than 100 (gradual deployments) are
 * refused by name.
 */
import { z } from "zod";
import type { Database } from "../../../shared/db";
import type { ScriptRow } from "../../../shared/db/schema";
import { iso } from "../../../shared/time";
import { routeControl, routesMoved } from "../deploy/pipeline";
import { findScript, liveDeploymentId, liveMovesOf, routeOf, scriptDeployment } from "../deploy/queries";
import { rollback } from "../deploy/rollback";
import { factory } from "../env";
import { recordEvent } from "../events";
import { validate } from "../validate";
import { CloudflareError, ok } from "./envelope";
import { versionIdOf } from "./ids";
import { findVersion } from "./versions";

/** How many deployments a list answers with (Cloudflare's: the latest ten). */
const LISTED = 10;

const TRIGGERED_BY = { deploy: "upload", version: "deployment", rollback: "rollback" } as const;

function deploymentResult(move: { id: number | string; deploymentId: string; reason: keyof typeof TRIGGERED_BY; at: number }) {
	return {
		id: versionIdOf(`m${move.id}`),
		source: "wrangler",
		strategy: "percentage",
		author_email: "",
		created_on: iso(move.at),
		annotations: { "workers/triggered_by": TRIGGERED_BY[move.reason] },
		versions: [{ version_id: versionIdOf(move.deploymentId), percentage: 100 }],
	};
}

/** The script's deployments, newest first. A live route older than its recorded history (set before moves were recorded) is listed as it stands. */
async function deploymentsOf(db: Database, script: ScriptRow) {
	const [moves, route] = await Promise.all([liveMovesOf(db, script.id, LISTED), routeOf(db, script.name)]);
	const listed = moves.map(deploymentResult);
	if (route && moves[0]?.deploymentId !== route.deploymentId) {
		const live = await scriptDeployment(db, script.id, route.deploymentId);
		if (live) listed.unshift(deploymentResult({ id: `r${live.id}`, deploymentId: live.id, reason: "deploy", at: live.updatedAt }));
	}
	return listed.slice(0, LISTED);
}

const createDeployment = z.looseObject({
	strategy: z.literal("percentage", { error: 'the only strategy is "percentage"' }).default("percentage"),
	versions: z.array(z.looseObject({ version_id: z.string(), percentage: z.number() })).min(1),
});

export const deploymentEndpoints = factory
	.createApp()
	.get("/", async (c) => {
		const script = await findScript(c.var.db, c.var.tenant.id, c.req.param("name")!);
		return ok(c, { deployments: await deploymentsOf(c.var.db, script) });
	})
	.post("/", validate("json", createDeployment), async (c) => {
		const db = c.var.db;
		const script = await findScript(db, c.var.tenant.id, c.req.param("name")!);
		const { versions } = c.req.valid("json");
		const [only] = versions;
		if (versions.length !== 1 || only?.percentage !== 100)
			throw new CloudflareError(
				400,
				10026,
				"Ferry serves one version at a time: a deployment names one version at 100% (gradual deployments are not supported)",
			);
		const target = await findVersion(db, script, only.version_id);
		const liveId = await liveDeploymentId(db, script.name);
		const live = liveId ? await scriptDeployment(db, script.id, liveId) : undefined;
		// Back to an older version is a rollback; a newer one (a version uploaded, now deployed) is a deployment.
		const reason = live && target.createdAt < live.createdAt ? "rollback" : "version";
		const { previousId } = await rollback(db, script, target.id, reason);
		await Promise.all([
			routesMoved(routeControl(c.env), [script.name]),
			// A newer version deployed is a deploy; an older one, a rollback (as /v1 names them).
			recordEvent(c.env, script.tenantId, {
				type: reason === "rollback" ? "rollback" : "deploy",
				script: script.name,
				deployment_id: target.id,
				detail: reason === "rollback" ? { previous_deployment_id: previousId ?? null } : { live: "true" },
			}),
		]);
		const [latest] = await deploymentsOf(db, script);
		return ok(c, latest);
	});
