import type { DeploymentAssets } from "../../../shared/assets/manifest";
import type { Manifest } from "../../../shared/deployments/manifest";
import type { ResourceType } from "../../../shared/resources/index";

/** One of the tenant's resources, as the D1 `resources` row has it. */
export interface ProvisionedResource {
	type: ResourceType;
	name: string;
	productionId: string | null;
}

/** The code of a deployment that passed the Built stage. */
export interface BuiltDeployment {
	manifest: Manifest;
	blobs: ReadonlyMap<string, ArrayBuffer>;
	/** The id of the script it belongs to: unlike its name, never given to another script. */
	scriptId: string;
	/**
	 * The tenant's resources it binds (manifest.resources), each with the id its production counterpart
	 * was created under (null: not yet), and how to record an id the publisher creates.
	 */
	resources?: { provisioned: ProvisionedResource[]; record(resource: ProvisionedResource, productionId: string): Promise<void> };
	/** The script's secrets, in clear (name → value): the runtime's to bind as `secret_text`, never stored in clear. */
	secrets: Readonly<Record<string, string>>;
	/** Its static assets, when it has any: the manifest, and each file's bytes on demand. */
	assets?: { files: DeploymentAssets; bytes(hash: string): Promise<ArrayBuffer> };
}

/** What the runtime found in a deployment it accepted. */
export interface LoadedDeployment {
	/** The handlers of its main module's default export ("fetch", "scheduled", …); null for assets only. */
	handlers: string[] | null;
}

/** A deployment the runtime refused; the message is the tenant's to read. */
export class LoadError extends Error {
	override name = "LoadError";
}

/** What both runtimes say when the main module has no fetch handler to serve requests with. */
export const noFetchHandler = (mainModule: string) =>
	new LoadError(`main module '${mainModule}' has no default export with a fetch handler`);

/**
 * The runtime could not take the deployment for a reason that is not the tenant's (the platform's
 * account or token, the provider's outage or rate limit). The message is the tenant's to read and
 * blames nothing of theirs; `cause` (what the provider said) is for the operator's log.
 */
export class PublishUnavailableError extends Error {
	override name = "PublishUnavailableError";
}

/**
 * Where code goes at the Loaded stage: the runtime must accept and start it. One implementation per
 * runtime (local: Worker Loader; production: the Workers for Platforms dispatch namespace).
 */
export interface Publisher {
	/** Resolves once the runtime accepted the code; throws LoadError or PublishUnavailableError when it did not. */
	load(deployment: BuiltDeployment): Promise<LoadedDeployment>;
	/** Forgets the deployments of a deleted script that were sent to the runtime (reached Built). */
	remove(script: { id: string; name: string }, deploymentIds: readonly string[]): Promise<void>;
}
