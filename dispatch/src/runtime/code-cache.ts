/**
 * Deployments' code kept in the dispatcher isolate's memory: deployment id → manifest and module
 * bytes, as read from R2 (PlatformReads.deploymentCode). The API's route refresh fills it right after a deploy or rollback (see
 * RouteControl), so the first request to a new deployment does not wait on R2; Worker Loader's
 * getCode reads it first whenever the runtime starts (or restarts) a deployment's isolate.
 *
 * Deployments are immutable, so an entry is never stale and needs no invalidation: the cache only
 * has to stay small. It is bounded by total module bytes and by entries, least recently used first
 * (a deployment larger than the whole byte bound is not kept).
 */
import { BoundedMap } from "../../../workers/shared/bounded-map";
import type { DeploymentCode } from "../../../workers/shared/platform";

export type { DeploymentCode } from "../../../workers/shared/platform";

export type CodeCache = BoundedMap<string, DeploymentCode>;

/** The bytes a deployment's code holds in memory: its modules. */
export const codeBytes = (code: DeploymentCode): number => {
	let bytes = 0;
	for (const blob of code.blobs.values()) bytes += blob.byteLength;
	return bytes;
};

export const createCodeCache = (maxBytes: number, maxEntries: number): CodeCache =>
	new BoundedMap({ maxEntries, maxWeight: maxBytes, weigh: codeBytes });
