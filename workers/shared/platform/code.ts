/**
 * A deployment's code as the runtime starts it: what PlatformReads.deploymentCode reads and what a
 * deploy hands the dispatcher's preparation (RouteControlApi.refresh). Plain data: it crosses RPC.
 */
import type { Manifest } from "../deployments/manifest";

/** A deployment's manifest, the bytes of every module it names (by sha256), and its secrets opened. */
export interface DeploymentCode {
	manifest: Manifest;
	blobs: ReadonlyMap<string, ArrayBuffer>;
	/**
	 * name → value, for the isolate's env. Opened where the platform's key is (in production the
	 * dispatcher and the API, locally the control process: the runtime processes never hold it).
	 */
	secrets: Readonly<Record<string, string>>;
}
