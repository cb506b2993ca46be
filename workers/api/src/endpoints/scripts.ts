import { and, desc, eq, isNull, lt } from "drizzle-orm";
import { z } from "zod";
import { ArtifactStore } from "../../../shared/artifacts";
import { type Database, runBatch } from "../../../shared/db";
import { deployments, routes, scripts } from "../../../shared/db/schema";
import { FerryError, notFound } from "../../../shared/http/errors";
import { newId } from "../../../shared/ids";
import { scriptNameProblem } from "../../../shared/names";
import type { RouteControlApi } from "../../../shared/runtime/route";
import { iso } from "../../../shared/time";
import { routesMoved, runDeployment } from "../deploy/pipeline";
import { ProgressStream, wantsProgress } from "../deploy/progress";
import { deleteStatements, moveLiveRoute } from "../deploy/store";
import { readUpload } from "../deploy/upload";
import { factory } from "../env";
import { publisherFor } from "../publish";
import { validate } from "../validate";
import { deploymentView, eventsFor, liveDeploymentId, scriptView, type UrlFor, urlBuilder } from "../views";

type ScriptRow = typeof scripts.$inferSelect;

/** The tenant's script by name. Another tenant's script is "not found", exactly like a missing one. */
export async function findScript(db: Database, tenantId: string, name: string): Promise<ScriptRow> {
	const [script] = await db
		.select()
		.from(scripts)
		.where(and(eq(scripts.tenantId, tenantId), eq(scripts.name, name), isNull(scripts.deletedAt)))
		.limit(1);
	if (!script) throw notFound(`script '${name}'`);
	return script;
}

/** The tenant's script by name, created on first deploy. Names are global: they are hostnames. */
async function claimScript(db: Database, tenantId: string, name: string): Promise<ScriptRow> {
	await db.insert(scripts).values({ id: newId(), tenantId, name, createdAt: Date.now() }).onConflictDoNothing();
	const [script] = await db
		.select()
		.from(scripts)
		.where(and(eq(scripts.name, name), isNull(scripts.deletedAt)))
		.limit(1);
	if (!script || script.tenantId !== tenantId)
		throw new FerryError("name_taken", `the script name '${name}' is taken: names are hostnames, unique across the platform`);
	return script;
}

function checkScriptName(name: string): void {
	const problem = scriptNameProblem(name);
	if (problem) throw new FerryError("invalid_script_name", `invalid script name '${name}': ${problem}`);
}

const routeControl = (env: ApiEnv) => env.ROUTES as unknown as RouteControlApi;

const rollbackBody = z.object({ deployment_id: z.string().min(1).optional() }).default({});

export const scriptEndpoints = factory
	.createApp()
	.get("/", async (c) => {
		const rows = await c.var.db
			.select({ name: scripts.name, createdAt: scripts.createdAt, liveId: routes.deploymentId })
			.from(scripts)
			.leftJoin(routes, eq(routes.label, scripts.name))
			.where(and(eq(scripts.tenantId, c.var.tenant.id), isNull(scripts.deletedAt)))
			.orderBy(scripts.name);
		const url = urlBuilder(c.env.PLATFORM_DOMAIN, c.req.url);
		return c.json({ scripts: rows.map((s) => scriptView(s, s.liveId ?? undefined, url)) });
	})
	.get("/:name", async (c) => {
		const script = await findScript(c.var.db, c.var.tenant.id, c.req.param("name"));
		const liveId = await liveDeploymentId(c.var.db, script.name);
		return c.json({ script: scriptView(script, liveId, urlBuilder(c.env.PLATFORM_DOMAIN, c.req.url)) });
	})
	.put("/:name", async (c) => {
		const name = c.req.param("name");
		checkScriptName(name);
		const upload = await readUpload(c.req.raw);
		const db = c.var.db;
		const tenantId = c.var.tenant.id;
		const progress = wantsProgress(c.req.header("accept")) ? new ProgressStream() : undefined;
		// The upload is complete from here on: claiming the name and every stage run under waitUntil, so
		// the deployment finishes even if the client goes away (Ctrl-C). Never half a deploy.
		const work = claimScript(db, tenantId, name).then((script) =>
			runDeployment(
				{ db, artifacts: new ArtifactStore(c.env.ARTIFACTS), publisher: publisherFor(c.env), routeControl: routeControl(c.env) },
				{ tenantId, scriptId: script.id, scriptName: name },
				upload,
				progress?.push,
			),
		);
		c.executionCtx.waitUntil(work.catch(() => undefined));
		const outcome = async () => deploymentOutcome(db, name, await work, urlBuilder(c.env.PLATFORM_DOMAIN, c.req.url));
		if (!progress) return c.json(await outcome());
		// A refusal before the deployment exists (a taken name) still answers with its own status.
		await Promise.race([progress.started, work]);
		return progress.respond(outcome(), c.req.raw);
	})
	.get("/:name/deployments", validate("query", z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) })), async (c) => {
		const db = c.var.db;
		const script = await findScript(db, c.var.tenant.id, c.req.param("name"));
		const rows = await db
			.select()
			.from(deployments)
			.where(eq(deployments.scriptId, script.id))
			.orderBy(desc(deployments.createdAt), desc(deployments.id))
			.limit(c.req.valid("query").limit);
		const [events, liveId] = await Promise.all([
			eventsFor(
				db,
				rows.map((r) => r.id),
			),
			liveDeploymentId(db, script.name),
		]);
		const url = urlBuilder(c.env.PLATFORM_DOMAIN, c.req.url);
		return c.json({ deployments: rows.map((d) => deploymentView(d, script.name, liveId, events.get(d.id) ?? [], url)) });
	})
	.post("/:name/rollback", validate("json", rollbackBody), async (c) => {
		const db = c.var.db;
		const script = await findScript(db, c.var.tenant.id, c.req.param("name"));
		const liveId = await liveDeploymentId(db, script.name);
		const requested = c.req.valid("json").deployment_id;
		const target = requested ? await requestedTarget(db, script, requested) : await previousDeployed(db, script, liveId);
		if (target.id !== liveId && !(await moveLiveRoute(db, script.id, script.name, target.id)))
			throw new FerryError("conflict", `script '${script.name}' changed during the rollback; try again`);
		await routesMoved(routeControl(c.env), [script.name]);
		const events = await eventsFor(db, [target.id]);
		const view = deploymentView(target, script.name, target.id, events.get(target.id) ?? [], urlBuilder(c.env.PLATFORM_DOMAIN, c.req.url));
		return c.json({ deployment: view, url: view.url, previous_deployment_id: liveId ?? null });
	})
	.delete("/:name", async (c) => {
		const db = c.var.db;
		const script = await findScript(db, c.var.tenant.id, c.req.param("name"));
		const now = Date.now();
		const [owned, labels] = await Promise.all([
			db.select({ id: deployments.id, state: deployments.state }).from(deployments).where(eq(deployments.scriptId, script.id)),
			db.select({ label: routes.label }).from(routes).where(eq(routes.scriptId, script.id)),
		]);
		await runBatch(db, [
			db.update(scripts).set({ deletedAt: now }).where(eq(scripts.id, script.id)),
			db.delete(routes).where(eq(routes.scriptId, script.id)),
			...deleteStatements(db, owned, now),
		]);
		await Promise.all([
			routesMoved(
				routeControl(c.env),
				labels.map((r) => r.label),
			),
			publisherFor(c.env).remove(script.name),
		]);
		return c.json({ script: { name: script.name, deleted_at: iso(now) } });
	});

/** The deploy call's answer body; a deployment that ended in Error is a `deployment_failed` error. */
async function deploymentOutcome(db: Database, name: string, id: string, url: UrlFor) {
	const [[row], events, liveId] = await Promise.all([
		db.select().from(deployments).where(eq(deployments.id, id)),
		eventsFor(db, [id]),
		liveDeploymentId(db, name),
	]);
	const view = deploymentView(row!, name, liveId, events.get(id) ?? [], url);
	if (row!.state !== "Deployed") {
		throw new FerryError("deployment_failed", `deployment ${id} failed at the ${row!.errorStage} stage: ${row!.errorMessage}`, {
			deployment: view,
		});
	}
	return { deployment: view, url: view.url, preview_url: view.preview_url };
}

async function requestedTarget(db: Database, script: ScriptRow, id: string) {
	const [target] = await db
		.select()
		.from(deployments)
		.where(and(eq(deployments.id, id), eq(deployments.scriptId, script.id)))
		.limit(1);
	if (!target) throw notFound(`deployment '${id}' of script '${script.name}'`);
	if (target.state !== "Deployed")
		throw new FerryError("conflict", `deployment '${id}' is ${target.state}: only a Deployed deployment can serve`);
	return target;
}

/** The Deployed deployment made just before the live one. */
async function previousDeployed(db: Database, script: ScriptRow, liveId: string | undefined) {
	const [live] = liveId ? await db.select().from(deployments).where(eq(deployments.id, liveId)) : [];
	const [target] = await db
		.select()
		.from(deployments)
		.where(
			and(
				eq(deployments.scriptId, script.id),
				eq(deployments.state, "Deployed"),
				live ? lt(deployments.createdAt, live.createdAt) : undefined,
			),
		)
		.orderBy(desc(deployments.createdAt))
		.limit(1);
	if (!target || target.id === liveId)
		throw new FerryError("no_previous_deployment", `script '${script.name}' has no earlier Deployed deployment to roll back to`);
	return target;
}
