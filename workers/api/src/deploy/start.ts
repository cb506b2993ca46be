/**
 * Starts a deploy of an upload already read (./upload.ts): the one way every API surface deploys
 * (`PUT /v1/scripts/:name`, and /client/v4's script upload and version upload). The asset token is
 * checked before anything is stored; then the name is claimed and the pipeline runs under
 * waitUntil, so the deployment finishes even if the client goes away (Ctrl-C). Never half a deploy.
 */
import { ArtifactStore } from "../../../shared/artifacts";
import { R2AssetStore } from "../../../shared/assets/store";
import type { Database } from "../../../shared/db";
import { previewLabel } from "../../../shared/hosts";
import { FerryError } from "../../../shared/http/errors";
import { sessionForDeploy } from "../assets/deploy";
import type { TestBindings } from "../env";
import { recordEvent } from "../events";
import { publisherFor } from "../publish";
import { setUploadSecrets } from "../secrets/change";
import { type DeployAnswer, deploymentView, type UrlFor } from "../views";
import { deployContext, runDeployment, type StateListener } from "./pipeline";
import { findScript, liveDeploymentId } from "./queries";
import { claimScript, type DeploymentRecord } from "./store";
import type { Upload } from "./upload";

export interface DeployRequest {
	tenantId: string;
	name: string;
	upload: Upload;
	/** False: the deployment ends Deployed with its preview route only; the live route stays where it is. */
	live?: boolean;
	onEvent?: StateListener;
}

/** The deployment's pipeline, started; rejects with a FerryError for a refusal before anything was stored. */
export async function startDeploy(
	env: ApiEnv & TestBindings,
	executionCtx: { waitUntil(promise: Promise<unknown>): void },
	db: Database,
	{ tenantId, name, upload: sent, live = true, onEvent }: DeployRequest,
): Promise<{ work: Promise<DeploymentRecord> }> {
	const upload = await withInherited(env, db, tenantId, name, sent);
	// A version that does not go live has nothing to give its schedules to (they are the live script's).
	if (!live && upload.schedules)
		throw new FerryError(
			"invalid_metadata",
			"metadata.schedules is for a deployment that goes live: a version upload leaves the script's cron triggers as they are (set them with PUT /v1/scripts/:name/schedules)",
		);
	const assets = new R2AssetStore(env.ARTIFACTS);
	// The asset token is checked before anything is stored (or a script claimed): a 400 leaves no trace.
	const assetSession = upload.assets
		? await sessionForDeploy({ store: assets, adminToken: env.FERRY_ADMIN_TOKEN }, tenantId, name, upload.assets)
		: undefined;
	await checkServices(db, tenantId, name, upload);
	checkDurableObjectScripts(name, upload);
	const publisher = publisherFor(env);
	const work = claimScript(db, tenantId, name).then(async ({ script, released, secretNames }) => {
		// A name released by another tenant's script that never served: its uploads, if any, go.
		if (released) executionCtx.waitUntil(publisher.remove(released.script, released.sent));
		// Its secret_text bindings become the script's secrets first, so the deployment carries them.
		await setUploadSecrets(env, db, script, upload, secretNames);
		const record = await runDeployment(
			deployContext(env, db, name, publisher),
			{ tenantId, scriptId: script.id, scriptName: name, live },
			{ ...upload, ...(assetSession ? { assetSession } : {}) },
			onEvent,
		);
		const { deployment } = record;
		if (deployment.state === "Deployed" || deployment.state === "Error")
			executionCtx.waitUntil(
				recordEvent(env, tenantId, {
					type: deployment.state === "Deployed" ? "deploy" : "deploy_failed",
					script: name,
					deployment_id: deployment.id,
					detail:
						deployment.state === "Deployed"
							? { live: live ? "true" : "false" }
							: { stage: deployment.errorStage, message: deployment.errorMessage },
				}),
			);
		return record;
	});
	executionCtx.waitUntil(work.catch(() => undefined));
	return { work };
}

/**
 * An `inherit` binding keeps the resource binding of that name of the script's live deployment (what
 * wrangler sends for a KV namespace or D1 database it provisioned on an earlier deploy and whose id
 * its config does not hold); the deployment then names it as if the upload had. A binding the live
 * deployment does not have, or a script of another tenant, is refused before anything is stored.
 */
async function withInherited(env: ApiEnv, db: Database, tenantId: string, name: string, upload: Upload): Promise<Upload> {
	const { inherited, ...rest } = upload;
	if (!inherited) return upload;
	const liveId = await findScript(db, tenantId, name).then(
		() => liveDeploymentId(db, name),
		() => undefined,
	);
	const live = liveId ? ((await new ArtifactStore(env.ARTIFACTS).getManifest(liveId)).resources ?? []) : [];
	const kept = inherited.map((binding) => {
		const found = live.find((resource) => resource.binding === binding);
		if (!found)
			throw new FerryError(
				"invalid_metadata",
				`binding '${binding}' is inherited ("type": "inherit"), but the live deployment of '${name}' binds no KV namespace, D1 database or R2 bucket as '${binding}': name the resource in the binding`,
			);
		return found;
	});
	return { ...rest, resources: [...upload.resources, ...kept] };
}

/**
 * A service binding names a script of the same tenant: another tenant's script is refused exactly as
 * a script that does not exist (400, before anything is stored). A script may bind itself.
 */
async function checkServices(db: Database, tenantId: string, name: string, upload: Upload): Promise<void> {
	for (const service of upload.services ?? []) {
		if (service.script === name) continue;
		try {
			await findScript(db, tenantId, service.script);
		} catch {
			throw new FerryError(
				"invalid_metadata",
				`binding '${service.binding}': service '${service.script}' is not one of your scripts (deploy it first)`,
			);
		}
	}
}

/**
 * A Durable Object binding names a class of the script itself: `script_name` may say so, but a class
 * of another script is not bound (its objects are that script's; call them through a service binding).
 */
function checkDurableObjectScripts(name: string, upload: Upload): void {
	for (const { binding, scriptName } of upload.durableObjects?.scriptNames ?? []) {
		if (scriptName !== name)
			throw new FerryError(
				"unsupported_config",
				`binding '${binding}': script_name '${scriptName}' is not supported: a Durable Object binding names a class of the script itself (docs/bindings.md)`,
			);
	}
}

/**
 * The live deployment's id for a deploy's answer: the deployment itself when its Deployed batch moved
 * the live route (as of that batch; a later move is the next answer's), else the route as it is now.
 */
export async function liveAfter(db: Database, record: DeploymentRecord, name: string): Promise<string | undefined> {
	return record.wentLive ? record.deployment.id : liveDeploymentId(db, name);
}

/**
 * The deploy call's answer body. A deployment that did not end Deployed is a `deployment_failed` error,
 * or `platform_unavailable` (503) when the platform, not the code, was at fault, or `conflict` (409)
 * when its script was deleted while it was in progress (nothing failed: there is no script to serve).
 */
export function deployAnswer(
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
