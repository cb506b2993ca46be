import type { Publisher } from "./types";
import { WorkerLoaderPublisher } from "./worker-loader";

export type { BuiltDeployment, Publisher } from "./types";
export { LoadError } from "./types";

/** The publisher this installation uses. Locally (and by default) the Worker Loader. */
export function publisherFor(env: ApiEnv): Publisher {
	return new WorkerLoaderPublisher(env.LOADER);
}
