/**
 * One deployment's walk through the state machine: Queued → Built → Loaded → Deployed, or Error at the
 * stage that failed. The live route moves only in the Deployed batch, so a failure at any stage leaves
 * the previous deployment serving.
 */
import { ArtifactStore } from "../../../shared/artifacts";
import type { Database } from "../../../shared/db";
import type { DeploymentStage, DeploymentState } from "../../../shared/deployments/states";
import { previewLabel } from "../../../shared/hosts";
import { newId, sha256Hex } from "../../../shared/ids";
import { LIMITS } from "../../../shared/limits";
import type { RouteControlApi } from "../../../shared/runtime/route";
import { log } from "../../../shared/log";
import { LoadError, type Publisher } from "../publish";
import { BuildError, buildManifest } from "./build";
import { activate, createDeployment, failInterrupted, transition } from "./store";
import type { Upload } from "./upload";

/** Longer than any stage may take (the Loaded probe's deadline, plus margin for storage). */
const INTERRUPTED_AFTER_MS = LIMITS.loadTimeoutMs * 6;

export interface DeployContext {
	db: Database;
	artifacts: ArtifactStore;
	publisher: Publisher;
	routeControl: RouteControlApi;
}

export interface DeployTarget {
	tenantId: string;
	scriptId: string;
	scriptName: string;
}

/** Stores each module under its sha256; returns the hashes and the artifact's own hash. */
async function storeModules(artifacts: ArtifactStore, upload: Upload) {
	const hashes = new Map<string, string>();
	await Promise.all(
		upload.modules.map(async (module) => {
			const sha = await sha256Hex(module.bytes);
			hashes.set(module.name, sha);
			await artifacts.putBlob(sha, module.bytes);
		}),
	);
	// The artifact is named by its content: modules (name, type, bytes) and main module, in a fixed order.
	const canonical = JSON.stringify({
		main: upload.mainModule,
		modules: upload.modules.map((m) => [m.name, m.contentType, hashes.get(m.name)]).sort(),
	});
	return { hashes, artifactSha256: await sha256Hex(canonical) };
}

/** Runs the whole pipeline and returns the deployment's id; its row says how it ended. */
export async function runDeployment(ctx: DeployContext, target: DeployTarget, upload: Upload): Promise<string> {
	const { db, artifacts, publisher } = ctx;
	// Anything of this script's still "in progress" well past the load deadline was interrupted.
	await failInterrupted(db, target.scriptId, INTERRUPTED_AFTER_MS);
	const id = newId();
	const { hashes, artifactSha256 } = await storeModules(artifacts, upload);
	await createDeployment(db, { id, scriptId: target.scriptId, tenantId: target.tenantId, artifactSha256, sizeBytes: upload.sizeBytes });

	let state: DeploymentState = "Queued";
	let stage: DeploymentStage = "build";
	try {
		const manifest = buildManifest({ upload, hashes, deploymentId: id, scriptName: target.scriptName, tenantId: target.tenantId });
		await artifacts.putManifest(manifest);
		if (!(await transition(db, id, "Queued", "Built"))) return id;
		state = "Built";

		stage = "load";
		const blobs = new Map(upload.modules.map((m) => [hashes.get(m.name)!, m.bytes]));
		await publisher.load({ manifest, blobs });
		if (!(await transition(db, id, "Built", "Loaded"))) return id;
		state = "Loaded";

		stage = "deploy";
		if (!(await activate(db, { id, scriptId: target.scriptId, scriptName: target.scriptName }))) return id;
	} catch (error) {
		const known = error instanceof BuildError || error instanceof LoadError;
		if (!known) log.error("deployment failed unexpectedly", { deploymentId: id, stage, error });
		const message = known ? error.message : `internal error at the ${stage} stage; the platform logged it under deployment ${id}`;
		await transition(db, id, state, "Error", { error: { stage, message } });
		return id;
	}
	await invalidate(ctx.routeControl, [target.scriptName, previewLabel(id, target.scriptName)]);
	return id;
}

/** Tells the dispatcher that routes moved. The route table is already right; this only drops its cache. */
export async function invalidate(routeControl: RouteControlApi, labels: string[]): Promise<void> {
	try {
		await routeControl.invalidate(labels);
	} catch (error) {
		// The dispatcher's cache expires on its own; a deploy that reached the route table has succeeded.
		log.warn("could not tell the dispatcher to drop cached routes", { labels, error });
	}
}
