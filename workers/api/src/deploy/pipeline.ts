/**
 * One deployment's walk through the state machine: Queued → Built → Loaded → Deployed, or Error at the
 * stage that failed. The live route moves only in the Deployed batch, so a failure at any stage leaves
 * the previous deployment serving.
 */
import { ArtifactStore } from "../../../shared/artifacts";
import { assetRouting, type DeploymentAssets } from "../../../shared/assets/manifest";
import { R2AssetStore, type UploadSession } from "../../../shared/assets/store";
import type { Database } from "../../../shared/db";
import type { DeploymentRow } from "../../../shared/db/schema";
import type { Manifest } from "../../../shared/deployments/manifest";
import type { DeploymentEvent, DeploymentStage, DeploymentState } from "../../../shared/deployments/states";
import { previewLabel } from "../../../shared/hosts";
import { newId, sha256Hex } from "../../../shared/ids";
import { log } from "../../../shared/log";
import type { DeploymentCode } from "../../../shared/platform";
import type { RouteControlApi } from "../../../shared/runtime/route";
import { openSecrets } from "../../../shared/secrets/crypto";
import { deploymentAssets, sessionTotals } from "../assets/deploy";
import type { TestBindings } from "../env";
import { LoadError, type Publisher, PublishUnavailableError, publisherFor } from "../publish";
import { provisionResources, setProductionId } from "../resources/store";
import { secretsSnapshot } from "../secrets/store";
import { BuildError, buildManifest } from "./build";
import { deploymentRecord, liveDeploymentId } from "./queries";
import {
	activate,
	createDeployment,
	type DeploymentRecord,
	INTERRUPTED_AFTER_MS,
	loadAndActivate,
	type NewDeployment,
	storeBuilt,
	transition,
} from "./store";
import { type DeployHold, deployHold } from "./test-hold";
import type { Upload } from "./upload";

export interface DeployContext {
	db: Database;
	artifacts: ArtifactStore;
	assets: R2AssetStore;
	publisher: Publisher;
	routeControl: RouteControlApi;
	/** FERRY_SECRETS_KEY: opens the script's secrets for the runtime (docs/secrets.md). */
	secretsKey: string | undefined;
	/** Tests only: waits after a state is stored (./test-hold.ts). */
	hold?: DeployHold;
}

export interface DeployTarget {
	tenantId: string;
	scriptId: string;
	scriptName: string;
	/** False: at Deployed only the preview route points at it (a Cloudflare version uploaded, not deployed). */
	live?: boolean;
}

/** An upload, with the asset upload session its `assets.jwt` named (resolved before anything was stored). */
export interface DeployInput extends Upload {
	assetSession?: UploadSession;
}

/** One state transition as it happens, reported live to a watcher: the event `deployment_events` records. */
export interface StateEvent extends DeploymentEvent {
	deploymentId: string;
}

/**
 * Told of every transition right after it is stored; the pipeline waits for what it returns before
 * its next stage (so a streamed line can leave first, ./progress.ts). It must not throw or reject:
 * it cannot stop the deployment.
 */
export type StateListener = (event: StateEvent) => void | Promise<void>;

/** Stores each module under its sha256; returns the hashes and the artifact's own hash. */
async function storeModules(artifacts: ArtifactStore, upload: DeployInput) {
	const hashes = new Map<string, string>();
	await Promise.all(
		upload.modules.map(async (module) => {
			const sha = await sha256Hex(module.bytes);
			hashes.set(module.name, sha);
			await artifacts.putBlob(sha, module.bytes);
		}),
	);
	// The artifact is named by its content: modules (name, type, bytes), main module and assets, in a fixed order.
	const canonical = JSON.stringify({
		main: upload.mainModule,
		modules: upload.modules.map((m) => [m.name, m.contentType, hashes.get(m.name)]).sort(),
		...(upload.assets && upload.assetSession
			? {
					assets: {
						config: upload.assets.config,
						binding: upload.assets.binding,
						files: Object.entries(upload.assetSession.manifest)
							.map(([path, entry]) => [path, entry.hash])
							.sort(),
					},
				}
			: {}),
	});
	return { hashes, artifactSha256: await sha256Hex(canonical) };
}

/**
 * Runs the whole pipeline and returns the deployment as it ended, with its events: Deployed, Error,
 * or whatever a concurrent move (a delete) made of it. `onEvent` hears each transition once it is
 * stored (the API streams them to clients that ask).
 */
export async function runDeployment(
	ctx: DeployContext,
	target: DeployTarget,
	upload: DeployInput,
	onEvent: StateListener = () => {},
): Promise<DeploymentRecord> {
	const { db, artifacts } = ctx;
	const id = newId();
	const { hashes, artifactSha256 } = await storeModules(artifacts, upload);
	const assetTotals = upload.assetSession ? sessionTotals(upload.assetSession) : undefined;
	const created = {
		id,
		scriptId: target.scriptId,
		tenantId: target.tenantId,
		artifactSha256,
		sizeBytes: upload.sizeBytes,
		assetFiles: assetTotals?.files ?? null,
		assetBytes: assetTotals?.bytes ?? null,
	};
	return walk(
		ctx,
		target,
		created,
		onEvent,
		async () => {
			const manifest = buildManifest({ upload, hashes, deploymentId: id, scriptName: target.scriptName, tenantId: target.tenantId });
			let assets: DeploymentAssets | undefined;
			if (upload.assets && upload.assetSession && assetTotals) {
				const routing = assetRouting(upload.assets.config, manifest.mainModule !== null, {
					date: manifest.compatibilityDate,
					flags: manifest.compatibilityFlags,
				});
				assets = await deploymentAssets(db, upload.assetSession, { id, tenantId: target.tenantId, routing });
				await ctx.assets.putDeploymentAssets(assets);
				manifest.assets = { binding: upload.assets.binding, ...assetTotals };
			}
			// The tenant's resources the deployment binds exist from here on (their data outlives the deployment).
			const provisioned = await provisionResources(db, target.tenantId, upload.resources);
			await artifacts.putManifest(manifest);
			return { manifest, blobs: new Map(upload.modules.map((m) => [hashes.get(m.name)!, m.bytes])), assets, provisioned };
		},
		upload.schedules ? { schedules: upload.schedules } : {},
	);
}

/**
 * A secret change as a deployment (Cloudflare's semantics: a new version): the live deployment's
 * code and assets reused as they are (their manifests copied under the new id; nothing rebuilt,
 * nothing uploaded by the tenant), loaded with the script's secrets as they are now. It goes live
 * only if the live route still points at `base`; if another deployment went live meanwhile, that
 * one already carries this change (it went live with the secrets as they were then), and this one
 * ends in Error, superseded (docs/secrets.md).
 */
export async function runSecretsDeployment(
	ctx: DeployContext,
	target: DeployTarget,
	base: DeploymentRow,
	message: string,
): Promise<DeploymentRecord> {
	const id = newId();
	const created = {
		id,
		scriptId: target.scriptId,
		tenantId: target.tenantId,
		artifactSha256: base.artifactSha256,
		sizeBytes: base.sizeBytes,
		assetFiles: base.assetFiles,
		assetBytes: base.assetBytes,
		message,
	};
	return walk(
		ctx,
		target,
		created,
		() => {},
		async () => {
			const { manifest, blobs } = await ctx.artifacts.getDeployment(base.id);
			const copy = { ...manifest, deploymentId: id };
			let assets: DeploymentAssets | undefined;
			if (manifest.assets) {
				assets = { ...(await ctx.assets.deploymentAssets(base.id)), deploymentId: id };
				await ctx.assets.putDeploymentAssets(assets);
			}
			// The live code's resources, as provisioned for it (with the ids of their production counterparts).
			const provisioned = await provisionResources(ctx.db, target.tenantId, manifest.resources ?? []);
			await ctx.artifacts.putManifest(copy);
			return { manifest: copy, blobs, assets, provisioned };
		},
		{ base: base.id },
	);
}

/** A secrets deployment whose base is no longer live: the live one carries its change already. */
class SupersededError extends Error {
	override name = "SupersededError";
}

/** How often a deployment is loaded again because the script's secrets changed while it loaded, before it gives up. */
const SECRETS_ATTEMPTS = 5;

/** The walk through the states, whatever the code came from: `build` stores the manifest (the Built stage). */
async function walk(
	ctx: DeployContext,
	target: DeployTarget,
	created: NewDeployment,
	onEvent: StateListener,
	build: () => Promise<{
		manifest: Manifest;
		blobs: ReadonlyMap<string, ArrayBuffer>;
		assets: DeploymentAssets | undefined;
		provisioned: Awaited<ReturnType<typeof provisionResources>>;
	}>,
	{ base, schedules }: { base?: string; schedules?: readonly string[] } = {},
): Promise<DeploymentRecord> {
	const { db, publisher } = ctx;
	const id = created.id;
	const queuedAt = Date.now();
	// Anything of this script's still "in progress" well past the load deadline was interrupted: ended in the same batch.
	let deployment = await createDeployment(db, created, queuedAt, { failInterruptedBefore: queuedAt - INTERRUPTED_AFTER_MS });
	const events: DeploymentEvent[] = [];
	const record = async (event: DeploymentEvent) => {
		events.push(event);
		await onEvent({ deploymentId: id, ...event });
	};
	await record({ from: null, to: "Queued", at: queuedAt, message: created.message ?? null });
	await ctx.hold?.("Queued");

	/** Stores one transition and records it; false when the deployment had moved on (e.g. deleted meanwhile). */
	const move = async (
		to: DeploymentState,
		store: (at: number) => Promise<boolean>,
		error?: { stage: DeploymentStage; message: string },
	) => {
		const at = Date.now();
		if (!(await store(at))) return false;
		await moved(to, at, error);
		return true;
	};
	/** Records a transition the store made at `at`. */
	const moved = async (to: DeploymentState, at: number, error?: { stage: DeploymentStage; message: string }) => {
		const from = deployment.state;
		deployment = { ...deployment, state: to, updatedAt: at, ...(error ? { errorStage: error.stage, errorMessage: error.message } : {}) };
		await record({ from, to, at, message: error?.message ?? null });
	};
	const ended = (): DeploymentRecord => ({ deployment, events });
	/** Another writer moved the deployment (a delete): the store's record says where it is now. */
	const movedOn = () => deploymentRecord(db, id);

	let stage: DeploymentStage = "build";
	// The code as it was loaded (its secrets opened): handed to the dispatcher's preparation with the route refresh.
	let code: DeploymentCode | undefined;
	try {
		const { manifest, blobs, assets, provisioned } = await build();
		// The Built batch also reads the script's secrets and crons as they are now (the Deployed batch checks the secrets still are).
		let built: Awaited<ReturnType<typeof storeBuilt>> | undefined;
		const storedBuilt = async (at: number) => {
			built = await storeBuilt(db, id, target.scriptId, at);
			return built.moved;
		};
		if (!(await move("Built", storedBuilt)) || !built) return movedOn();
		await ctx.hold?.("Built");

		const tenantId = target.tenantId;
		for (let attempt = 1; ; attempt++) {
			stage = "load";
			// A retry (the secrets changed while it loaded) reads them again.
			const secrets = attempt === 1 ? built.secrets : await secretsSnapshot(db, target.scriptId);
			code = { manifest, blobs, secrets: await openSecrets(ctx.secretsKey, target.scriptId, secrets.sealed) };
			const { handlers } = await publisher.load({
				manifest,
				blobs,
				scriptId: target.scriptId,
				secrets: code.secrets,
				resources: { provisioned, record: (resource, productionId) => setProductionId(db, { tenantId, ...resource }, productionId) },
				...(assets ? { assets: { files: assets, bytes: (hash: string) => ctx.assets.bytes(tenantId, hash) } } : {}),
			});
			const activation = {
				id,
				scriptId: target.scriptId,
				scriptName: target.scriptName,
				live: target.live !== false,
				secrets,
				base,
				...(schedules ? { schedules } : {}),
			};
			// Whether the Deployed batch applied; undefined until it ran.
			let deployed: boolean | undefined;
			if (deployment.state === "Built") {
				checkScheduledHandler(schedules ?? built.crons, schedules !== undefined, manifest.mainModule, handlers);
				if (ctx.hold) {
					// A test holds deployments right after Loaded is stored: Loaded gets a batch of its own.
					if (!(await move("Loaded", (at) => transition(db, id, "Built", "Loaded", { handlers }, at)))) return movedOn();
					await ctx.hold("Loaded");
				} else {
					// Loaded and Deployed in one round trip. Deployed may not apply (the secrets changed while it
					// loaded): it stays Loaded, and is loaded again below with the new set.
					const at = Date.now();
					const outcome = await loadAndActivate(db, { ...activation, handlers }, at);
					if (!outcome.loaded) return movedOn();
					await moved("Loaded", at);
					if (outcome.deployed) await moved("Deployed", at);
					deployed = outcome.deployed;
				}
			}

			stage = "deploy";
			deployed ??= await move("Deployed", (at) => activate(db, activation, at));
			if (deployed) break;
			const now = await movedOn();
			if (now.deployment.state !== "Loaded") return now;
			if (base !== undefined && (await liveDeploymentId(db, target.scriptName)) !== base)
				throw new SupersededError("superseded: another deployment went live meanwhile, with this secret change");
			if (attempt === SECRETS_ATTEMPTS)
				throw new LoadError(`the script's secrets changed ${attempt} times while this deployment went live; deploy again`);
			// The secrets changed while it loaded: loaded again with the new set (in production, uploaded again).
		}
	} catch (error) {
		const unavailable = error instanceof PublishUnavailableError;
		const superseded = error instanceof SupersededError;
		const known = error instanceof BuildError || error instanceof LoadError || unavailable || superseded;
		// The tenant reads the message of an error it can act on (or that says it cannot); the operator's log has the rest.
		if (unavailable) log.error("the runtime did not take a deployment; the platform is at fault", { deploymentId: id, stage, error });
		else if (!known) log.error("deployment failed unexpectedly", { deploymentId: id, stage, error });
		const message = known ? error.message : `internal error at the ${stage} stage; the platform logged it under deployment ${id}`;
		const from = deployment.state;
		const failure = { stage, message };
		if (!(await move("Error", (at) => transition(db, id, from, "Error", { error: failure }, at), failure))) return movedOn();
		return unavailable ? { ...ended(), unavailable: true } : superseded ? { ...ended(), superseded: true } : ended();
	}
	const preview = previewLabel(id, target.scriptName);
	await routesMoved(ctx.routeControl, target.live === false ? [preview] : [target.scriptName, preview], code);
	return target.live === false ? ended() : { ...ended(), wentLive: true };
}

/**
 * A script with cron triggers needs a scheduled handler: a deployment that would leave it with crons
 * (the upload's, or the script's own when the upload names none) and no handler for them fails at
 * Loaded, rather than going live to fire into nothing every minute (docs/cron.md).
 */
function checkScheduledHandler(
	/** The upload's crons, else the script's own (read with Built). */
	crons: readonly string[],
	/** Whether they are the upload's (it named them), not the script's. */
	fromUpload: boolean,
	mainModule: string | null,
	handlers: string[] | null,
): void {
	if (handlers?.includes("scheduled")) return;
	if (crons.length === 0) return;
	const which = crons.map((cron) => JSON.stringify(cron)).join(", ");
	const from = fromUpload ? "this upload gives the script cron triggers" : "the script has cron triggers";
	throw new LoadError(
		mainModule === null
			? `${from} (${which}) but the deployment has no Worker to run them: add a main module with a scheduled handler, or remove the crons ([triggers] crons = [])`
			: `${from} (${which}) but main module '${mainModule}' has no scheduled handler in its default export: add one, or remove the crons ([triggers] crons = [])`,
	);
}

/** What the pipeline runs with, for a deployment of script `name` (every way in: an upload, a secret change). */
export function deployContext(
	env: ApiEnv & TestBindings,
	db: Database,
	name: string,
	publisher: Publisher = publisherFor(env),
): DeployContext {
	return {
		db,
		artifacts: new ArtifactStore(env.ARTIFACTS),
		assets: new R2AssetStore(env.ARTIFACTS),
		publisher,
		routeControl: routeControl(env),
		secretsKey: env.FERRY_SECRETS_KEY,
		hold: deployHold(env.FERRY_TEST_DEPLOY_HOLD, name),
	};
}

/** The API's ROUTES binding: the dispatcher's RouteControl (locally the control process's, which fans out). */
export const routeControl = (env: ApiEnv) => env.ROUTES as unknown as RouteControlApi;

/**
 * Tells the dispatcher that routes moved, before the API answers: it drops and re-reads its cached
 * routes and prepares the new deployments. The route table is already right either way.
 */
export async function routesMoved(routeControl: RouteControlApi, labels: string[], code?: DeploymentCode): Promise<void> {
	try {
		await routeControl.refresh(labels, undefined, code);
	} catch (error) {
		// The dispatcher's cache expires on its own; a deploy that reached the route table has succeeded.
		log.warn("could not tell the dispatcher that routes moved", { labels, error });
	}
}
