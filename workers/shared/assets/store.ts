/**
 * Where assets live, and the reads the dispatcher makes of them (`AssetStore`: one R2
 * implementation here; the local runtime processes reach it through the platform's RPC).
 *
 * R2 layout:
 *   assets/<tenant-id>/<hash>               an asset's bytes, content type in its HTTP metadata. The
 *                                           tenant is part of the address: the same bytes uploaded by
 *                                           two tenants are two objects, and a deployment's files are
 *                                           read under its own tenant only (the tenant comes from the
 *                                           route, never from the request or the manifest).
 *   asset-manifests/<deployment-id>.json    a deployment's assets (path → hash, content type), written
 *                                           at its Built stage, immutable
 *   asset-sessions/<tenant-id>/<id>.json    an upload session's manifest, until its tokens expire
 */
import { type DeploymentAssets, deploymentAssetsSchema, type UploadManifest } from "./manifest";

export interface AssetStore {
	/** A deployment's asset manifest (throws if the deployment has none). */
	deploymentAssets(deploymentId: string): Promise<DeploymentAssets>;
	/** An asset's bytes as a stream, or null when the store does not hold it. */
	blob(tenantId: string, hash: string): Promise<ReadableStream<Uint8Array> | null>;
}

export interface UploadSession {
	id: string;
	tenantId: string;
	scriptName: string;
	createdAt: number;
	manifest: UploadManifest;
	/** The hashes the tenant did not hold when the session was made: the ones to upload. */
	missing: string[];
}

export const assetKey = (tenantId: string, hash: string) => `assets/${tenantId}/${hash}`;
const manifestKey = (deploymentId: string) => `asset-manifests/${deploymentId}.json`;
const sessionKey = (tenantId: string, id: string) => `asset-sessions/${tenantId}/${id}.json`;

export class R2AssetStore implements AssetStore {
	constructor(private readonly bucket: R2Bucket) {}

	async deploymentAssets(deploymentId: string): Promise<DeploymentAssets> {
		const object = await this.bucket.get(manifestKey(deploymentId));
		if (!object) throw new Error(`asset manifest of deployment ${deploymentId} is missing from R2`);
		return deploymentAssetsSchema.parse(await object.json());
	}

	async blob(tenantId: string, hash: string): Promise<ReadableStream<Uint8Array> | null> {
		const object = await this.bucket.get(assetKey(tenantId, hash));
		return object?.body ?? null;
	}

	/** The bytes of an asset, for the production publisher (which re-uploads them to Cloudflare). */
	async bytes(tenantId: string, hash: string): Promise<ArrayBuffer> {
		const object = await this.bucket.get(assetKey(tenantId, hash));
		if (!object) throw new Error(`asset ${hash} of tenant ${tenantId} is missing from R2`);
		return object.arrayBuffer();
	}

	async putBlob(tenantId: string, hash: string, bytes: Uint8Array, contentType: string | null): Promise<void> {
		await this.bucket.put(assetKey(tenantId, hash), bytes, contentType ? { httpMetadata: { contentType } } : {});
	}

	async putDeploymentAssets(assets: DeploymentAssets): Promise<void> {
		await this.bucket.put(manifestKey(assets.deploymentId), JSON.stringify(assets), { httpMetadata: { contentType: "application/json" } });
	}

	async putSession(session: UploadSession): Promise<void> {
		await this.bucket.put(sessionKey(session.tenantId, session.id), JSON.stringify(session), {
			httpMetadata: { contentType: "application/json" },
		});
	}

	/** The tenant's session, or null (another tenant's session is not found under this tenant's prefix). */
	async session(tenantId: string, id: string): Promise<UploadSession | null> {
		const object = await this.bucket.get(sessionKey(tenantId, id));
		return object ? ((await object.json()) as UploadSession) : null;
	}
}
