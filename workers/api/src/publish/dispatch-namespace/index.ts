/**
 * The dispatch-namespace publisher (production, RUNTIME = "dispatch-namespace", Workers for Platforms):
 * a deployment is Loaded once Cloudflare accepted it into the dispatch namespace. Cloudflare validates
 * the code on upload (it parses the modules and runs their top level), so a refusal there is the
 * tenant's to read, as the Worker Loader probe's is locally.
 *
 * The namespace holds one script per deployment, named by the deployment id (see
 * workers/shared/runtime/select.ts): live and preview hosts of a deployment run that script; deploying
 * uploads once; rolling back uploads nothing. Deleting a Ferry script deletes its deployments' scripts.
 */
import { log } from "../../../../shared/log";
import { namespaceScriptName } from "../../../../shared/runtime/select";
import { type BuiltDeployment, LoadError, type Publisher } from "../types";
import { CloudflareApi, CloudflareApiError, type CloudflareApiOptions, describeErrors } from "./api";
import { scriptAssetsConfig, uploadAssets } from "./assets";
import type { CloudflareConfig } from "./config";
import { uploadForm } from "./form";

export { cloudflareConfig } from "./config";

/** Deletes run a few at a time: a script with many deployments must not trip the API's rate limit. */
const DELETE_CONCURRENCY = 4;

/**
 * Statuses that say the platform is misconfigured (token, account, namespace), not that the code is
 * wrong: the tenant cannot fix them, so they are not LoadErrors and the pipeline logs them for the operator.
 */
const PLATFORM_STATUSES = new Set([401, 403, 404]);

export class DispatchNamespacePublisher implements Publisher {
	private readonly api: CloudflareApi;

	constructor(
		private readonly config: CloudflareConfig,
		options: CloudflareApiOptions = {},
	) {
		this.api = new CloudflareApi(config, options);
	}

	private scriptPath(deploymentId: string): string[] {
		return ["workers", "dispatch", "namespaces", this.config.namespace, "scripts", namespaceScriptName(deploymentId)];
	}

	async load({ manifest, blobs, assets }: BuiltDeployment): Promise<void> {
		const path = this.scriptPath(manifest.deploymentId);
		try {
			// Assets first (./assets.ts): the script upload carries their completion token.
			const scriptAssets = assets
				? { jwt: await uploadAssets(this.api, path, assets), config: scriptAssetsConfig(assets.files) }
				: undefined;
			await this.api.call("PUT", path, uploadForm(manifest, blobs, undefined, scriptAssets));
		} catch (error) {
			// Anything but Cloudflare's answer (a form that could not be built, say) is the platform's own
			// failure: it goes on as it is, for the pipeline to log and to tell the tenant only that it happened.
			throw error instanceof CloudflareApiError ? loadFailure(error) : error;
		}
	}

	/**
	 * Deletes the namespace scripts of the deployments that were sent (reached Built: a refused upload
	 * stored nothing, but one that timed out or got a 5xx may have been stored, and a 404 costs one
	 * call). Called after the script is deleted in D1, so nothing routes to them any more; a failure
	 * here leaves unreachable scripts behind, which is logged for the operator instead of failing a
	 * delete that has already happened.
	 */
	async remove(scriptName: string, deploymentIds: readonly string[]): Promise<void> {
		const failed: string[] = [];
		for (let i = 0; i < deploymentIds.length; i += DELETE_CONCURRENCY) {
			await Promise.all(
				deploymentIds.slice(i, i + DELETE_CONCURRENCY).map(async (id) => {
					try {
						await this.api.call("DELETE", this.scriptPath(id));
					} catch (error) {
						// Already gone is what we wanted.
						if (!(error instanceof CloudflareApiError && error.status === 404)) failed.push(id);
					}
				}),
			);
		}
		if (failed.length > 0)
			log.error("could not delete namespace scripts of a deleted script; delete them by hand", {
				scriptName,
				namespace: this.config.namespace,
				namespaceScripts: failed.map(namespaceScriptName),
			});
	}
}

/** What the deployment's Error says. Only Cloudflare's verdict on the code is the tenant's to read. */
function loadFailure(error: CloudflareApiError): Error {
	if (PLATFORM_STATUSES.has(error.status)) return error;
	if (error.status === 429 || error.status === 0 || error.status >= 500) {
		const when = error.retryAfterMs !== undefined ? `in ${Math.ceil(error.retryAfterMs / 1000)} s` : "in a minute";
		return new LoadError(
			`Cloudflare did not accept the upload after ${error.attempts} attempt${error.attempts === 1 ? "" : "s"} (${describeErrors(error.errors)}); deploy again ${when}`,
		);
	}
	return new LoadError(`Cloudflare refused the code: ${describeErrors(error.errors)}`);
}
