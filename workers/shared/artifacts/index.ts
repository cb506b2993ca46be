/**
 * R2 layout:
 *   blobs/<sha256>                  module bytes, content-addressed: the same bytes are stored once
 *   manifests/<deployment-id>.json  the deployment's manifest (written at the Built stage)
 */
import { type Manifest, manifestSchema } from "../deployments/manifest";

const blobKey = (sha256: string) => `blobs/${sha256}`;
const manifestKey = (deploymentId: string) => `manifests/${deploymentId}.json`;

export class ArtifactStore {
	constructor(private readonly bucket: R2Bucket) {}

	/** Stores `bytes` under their sha256 unless already there. Returns whether it wrote. */
	async putBlob(sha256: string, bytes: ArrayBuffer): Promise<boolean> {
		const key = blobKey(sha256);
		if (await this.bucket.head(key)) return false;
		// The checksum makes R2 refuse bytes that do not match the key they are stored under.
		await this.bucket.put(key, bytes, { sha256 });
		return true;
	}

	async getBlob(sha256: string): Promise<ArrayBuffer> {
		const object = await this.bucket.get(blobKey(sha256));
		if (!object) throw new Error(`artifact blob ${sha256} is missing from R2`);
		return object.arrayBuffer();
	}

	async putManifest(manifest: Manifest): Promise<void> {
		await this.bucket.put(manifestKey(manifest.deploymentId), JSON.stringify(manifest), {
			httpMetadata: { contentType: "application/json" },
		});
	}

	async getManifest(deploymentId: string): Promise<Manifest> {
		const object = await this.bucket.get(manifestKey(deploymentId));
		if (!object) throw new Error(`manifest for deployment ${deploymentId} is missing from R2`);
		return manifestSchema.parse(await object.json());
	}

	/** The manifest and the bytes of every module it names, read in parallel. */
	async getDeployment(deploymentId: string): Promise<{ manifest: Manifest; blobs: Map<string, ArrayBuffer> }> {
		const manifest = await this.getManifest(deploymentId);
		const unique = [...new Set(manifest.modules.map((m) => m.sha256))];
		const bytes = await Promise.all(unique.map((sha) => this.getBlob(sha)));
		return { manifest, blobs: new Map(unique.map((sha, i) => [sha, bytes[i]!])) };
	}
}
