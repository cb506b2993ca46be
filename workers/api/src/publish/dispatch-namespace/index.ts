/**
 * The dispatch-namespace publisher (production, RUNTIME = "dispatch-namespace", Workers for Platforms):
 * a deployment is Loaded once Cloudflare accepted it into the dispatch namespace and its answer lists a
 * fetch handler. Cloudflare validates the code on upload (it parses the modules and runs their top
 * level), so a refusal of the code is the tenant's to read, as the Worker Loader probe's is locally;
 * a refusal of the platform (./errors.ts) is not.
 *
 * The namespace holds one script per deployment, named by the deployment id (see
 * workers/shared/runtime/select.ts): live and preview hosts of a deployment run that script; deploying
 * uploads once; rolling back uploads nothing. Deleting a Ferry script deletes its deployments'
 * scripts in one call, by the tag they all carry.
 */
import { z } from "zod";
import { log } from "../../../../shared/log";
import { namespaceScriptName } from "../../../../shared/runtime/select";
import { type BuiltDeployment, LoadError, type LoadedDeployment, noFetchHandler, type Publisher, PublishUnavailableError } from "../types";
import { CloudflareApi, CloudflareApiError, type CloudflareApiOptions, describeErrors } from "./api";
import { scriptAssetsConfig, uploadAssets } from "./assets";
import type { CloudflareConfig } from "./config";
import { migrationsAfter, migrationTag, objectBindings, objectsScriptName } from "./durable-objects";
import { faultOf, isScriptGone } from "./errors";
import { scriptTag, uploadForm } from "./form";
import { type ResourceBindingMetadata, resourceBindings } from "./resources";

export { cloudflareConfig } from "./config";

/** What Ferry reads of the upload's answer (the SDK's `ScriptUpdateResponse`). */
const uploadAnswer = z.looseObject({
	/** "The names of handlers exported as part of the default export." */
	handlers: z.array(z.string()),
	startup_time_ms: z.number().optional(),
});

export class DispatchNamespacePublisher implements Publisher {
	private readonly api: CloudflareApi;

	constructor(
		private readonly config: CloudflareConfig,
		options: CloudflareApiOptions = {},
	) {
		this.api = new CloudflareApi(config, options);
	}

	private scriptsPath(): string[] {
		return ["workers", "dispatch", "namespaces", this.config.namespace, "scripts"];
	}

	async load(deployment: BuiltDeployment): Promise<LoadedDeployment> {
		const { manifest, assets } = deployment;
		// Never uploaded without them: a binding the namespace script lacked would be dropped in silence.
		const [service] = manifest.services ?? [];
		if (service)
			throw new LoadError(
				`binding '${service.binding}': service bindings are not available with the dispatch namespace yet (docs/bindings.md); deploy without it`,
			);
		const path = [...this.scriptsPath(), namespaceScriptName(manifest.deploymentId)];
		let answer: unknown;
		let resources: ResourceBindingMetadata[];
		try {
			resources = await resourceBindings(this.api, deployment);
		} catch (error) {
			throw error instanceof CloudflareApiError ? provisioningFailure(error, manifest.deploymentId) : error;
		}
		try {
			// Assets first (./assets.ts): the script upload carries their completion token.
			const scriptAssets = assets
				? { jwt: await uploadAssets(this.api, path, assets), config: scriptAssetsConfig(assets.files) }
				: undefined;
			if (manifest.durableObjects?.classes.length) await this.uploadObjects(deployment, resources);
			answer = await this.api.call("PUT", path, {
				body: uploadForm(deployment, {
					secrets: deployment.secrets,
					assets: scriptAssets,
					resources,
					objects: { bindings: objectBindings(deployment, false) },
				}),
				// As wrangler does: the answer need not carry the script back.
				query: { excludeScript: "true" },
			});
		} catch (error) {
			// Anything but Cloudflare's answer (a form that could not be built, say) is the platform's own
			// failure: it goes on as it is, for the pipeline to log and to tell the tenant only that it happened.
			throw error instanceof CloudflareApiError ? loadFailure(error, manifest.deploymentId) : error;
		}
		const read = uploadAnswer.safeParse(answer);
		if (!read.success) throw new Error(`Cloudflare accepted the upload but its answer lists no handlers: ${JSON.stringify(answer)}`);
		log.info("uploaded to the dispatch namespace", {
			deploymentId: manifest.deploymentId,
			handlers: read.data.handlers,
			startupTimeMs: read.data.startup_time_ms,
		});
		// An assets-only script has no code, so no handler to find.
		if (manifest.mainModule === null) return { handlers: null };
		if (!read.data.handlers.includes("fetch")) throw noFetchHandler(manifest.mainModule);
		return { handlers: read.data.handlers };
	}

	/**
	 * Deletes the namespace scripts of a deleted script: every deployment it uploaded carries the
	 * script's tag, so one call deletes them all, however many there are (Cloudflare's rate limit is
	 * 1,200 calls per five minutes per token, and locks the token out for five minutes past it).
	 * Called after the script is deleted in D1, so nothing routes to them any more; a failure here
	 * leaves unreachable scripts behind, which is logged for the operator instead of failing a delete
	 * that has already happened. `deploymentIds` are the ones sent (reached Built): none, no call.
	 */
	/**
	 * The deployment's code as its script's objects script, with the migrations that script lacks
	 * (./durable-objects.ts): its Durable Object classes run there, whichever deployment binds them.
	 */
	private async uploadObjects(deployment: BuiltDeployment, resources: ResourceBindingMetadata[]): Promise<void> {
		const path = [...this.scriptsPath(), objectsScriptName(deployment.scriptId)];
		const tag = await migrationTag(this.api, this.scriptsPath(), objectsScriptName(deployment.scriptId));
		const migrations = migrationsAfter(tag, deployment.manifest.durableObjects?.classes ?? []);
		await this.api.call("PUT", path, {
			body: uploadForm(deployment, {
				secrets: deployment.secrets,
				resources,
				objects: { bindings: objectBindings(deployment, true), ...(migrations ? { migrations } : {}) },
			}),
			query: { excludeScript: "true" },
		});
	}

	async remove(script: { id: string; name: string }, deploymentIds: readonly string[]): Promise<void> {
		if (deploymentIds.length === 0) return;
		const tag = scriptTag(script.id);
		try {
			await this.api.call("DELETE", this.scriptsPath(), { query: { tags: `${tag}:yes` } });
		} catch (error) {
			if (error instanceof CloudflareApiError && isScriptGone(error)) return;
			log.error("could not delete the namespace scripts of a deleted script; delete them by tag", {
				scriptName: script.name,
				namespace: this.config.namespace,
				tag,
				namespaceScripts: deploymentIds.map(namespaceScriptName),
				error,
			});
		}
	}
}

/** Creating the tenant's resources is the platform's business: nothing of the code is to blame. */
function provisioningFailure(error: CloudflareApiError, deploymentId: string): Error {
	const transient = faultOf(error.status, error.errors) === "transient";
	return new PublishUnavailableError(
		transient
			? "Cloudflare did not create the deployment's KV namespaces or R2 buckets (it is rate limiting or unavailable); nothing is wrong with the code: deploy again in a minute"
			: `the platform could not create the deployment's KV namespaces or R2 buckets (its Cloudflare account refused; logged under deployment ${deploymentId}): deploy again once the operator has fixed it`,
		{ cause: error },
	);
}

/** What the deployment's Error says: Cloudflare's verdict on the code is the tenant's to read, nothing else is. */
function loadFailure(error: CloudflareApiError, deploymentId: string): Error {
	switch (faultOf(error.status, error.errors)) {
		case "code":
			return new LoadError(`Cloudflare refused the code: ${describeErrors(error.errors)}`);
		case "transient": {
			const when = error.retryAfterMs !== undefined ? `in ${Math.ceil(error.retryAfterMs / 1000)} s` : "in a minute";
			const attempts = `${error.attempts} attempt${error.attempts === 1 ? "" : "s"}`;
			return new PublishUnavailableError(
				`Cloudflare did not take the upload after ${attempts} (it is rate limiting or unavailable); nothing is wrong with the code: deploy again ${when}`,
				{ cause: error },
			);
		}
		case "platform":
			return new PublishUnavailableError(
				`the platform could not publish the deployment (its Cloudflare account refused the upload; logged under deployment ${deploymentId}); the code was not checked: deploy again once the operator has fixed it`,
				{ cause: error },
			);
	}
}
