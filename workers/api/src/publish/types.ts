import type { DeploymentAssets } from "../../../shared/assets/manifest";
import type { Manifest } from "../../../shared/deployments/manifest";

/** The code of a deployment that passed the Built stage. */
export interface BuiltDeployment {
	manifest: Manifest;
	blobs: ReadonlyMap<string, ArrayBuffer>;
	/** Its static assets, when it has any: the manifest, and each file's bytes on demand. */
	assets?: { files: DeploymentAssets; bytes(hash: string): Promise<ArrayBuffer> };
}

/** A deployment the runtime refused; the message is the tenant's to read. */
export class LoadError extends Error {
	override name = "LoadError";
}

/**
 * Where code goes at the Loaded stage: the runtime must accept and start it. One implementation per
 * runtime (local: Worker Loader; production: the Workers for Platforms dispatch namespace).
 */
export interface Publisher {
	/** Resolves once the runtime accepted the code; throws LoadError when it did not. */
	load(deployment: BuiltDeployment): Promise<void>;
	/** Forgets a deleted script's deployments that were sent to the runtime (reached Built). */
	remove(scriptName: string, deploymentIds: readonly string[]): Promise<void>;
}
