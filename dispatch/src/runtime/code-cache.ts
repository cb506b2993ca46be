/**
 * Deployments' code kept in the dispatcher isolate's memory: deployment id → manifest and module
 * bytes, as read from R2. The API's route refresh fills it right after a deploy or rollback (see
 * RouteControl), so the first request to a new deployment does not wait on R2; Worker Loader's
 * getCode reads it first whenever the runtime starts (or restarts) a deployment's isolate.
 *
 * Deployments are immutable, so an entry is never stale and needs no invalidation: the cache only
 * has to stay small. It is bounded by total module bytes and by entries, least recently used first.
 */
import type { Manifest } from "../../../workers/shared/deployments/manifest";

export interface DeploymentCode {
	manifest: Manifest;
	blobs: ReadonlyMap<string, ArrayBuffer>;
}

interface Entry {
	code: DeploymentCode;
	bytes: number;
}

const sizeOf = (code: DeploymentCode) => {
	let bytes = 0;
	for (const blob of code.blobs.values()) bytes += blob.byteLength;
	return bytes;
};

export class CodeCache {
	private readonly entries = new Map<string, Entry>();
	private totalBytes = 0;

	constructor(
		private readonly maxBytes: number,
		private readonly maxEntries: number,
	) {}

	get(deploymentId: string): DeploymentCode | undefined {
		const entry = this.entries.get(deploymentId);
		if (!entry) return undefined;
		// Map keeps insertion order: re-inserting marks the entry most recently used.
		this.entries.delete(deploymentId);
		this.entries.set(deploymentId, entry);
		return entry.code;
	}

	/** Keeps the code unless it alone exceeds the byte bound; evicts the least recently used to fit. */
	set(deploymentId: string, code: DeploymentCode): void {
		this.delete(deploymentId);
		const bytes = sizeOf(code);
		if (bytes > this.maxBytes) return;
		this.entries.set(deploymentId, { code, bytes });
		this.totalBytes += bytes;
		for (const [oldest, entry] of this.entries) {
			if (this.totalBytes <= this.maxBytes && this.entries.size <= this.maxEntries) break;
			this.entries.delete(oldest);
			this.totalBytes -= entry.bytes;
		}
	}

	delete(deploymentId: string): void {
		const entry = this.entries.get(deploymentId);
		if (!entry) return;
		this.entries.delete(deploymentId);
		this.totalBytes -= entry.bytes;
	}

	get size(): number {
		return this.entries.size;
	}

	get bytes(): number {
		return this.totalBytes;
	}
}
