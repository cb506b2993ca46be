/**
 * The local runtime adapter: each deployment runs in a Worker Loader isolate named by its deployment id.
 * The code is read from R2 only when the runtime has no warm isolate for that id (`getCode` is lazy),
 * so a warm request touches neither R2 nor D1.
 */
import { ArtifactStore } from "../../../workers/shared/artifacts";
import type { RouteTarget, RuntimeAdapter } from "../../../workers/shared/runtime/route";
import { workerCode } from "../../../workers/shared/runtime/worker-code";

export class WorkerLoaderRuntime implements RuntimeAdapter {
	private readonly artifacts: ArtifactStore;

	constructor(
		private readonly loader: WorkerLoader,
		bucket: R2Bucket,
	) {
		this.artifacts = new ArtifactStore(bucket);
	}

	fetch(target: RouteTarget, request: Request): Promise<Response> {
		const worker = this.loader.get(target.deploymentId, async () => {
			const { manifest, blobs } = await this.artifacts.getDeployment(target.deploymentId);
			return workerCode(manifest, blobs);
		});
		return worker.getEntrypoint().fetch(request);
	}
}
