import { LoaderProbe, type LoadProbe } from "../../../shared/runtime/load-probe";
import { runtimeName } from "../../../shared/runtime/select";
import { cloudflareConfig, DispatchNamespacePublisher } from "./dispatch-namespace";
import type { Publisher } from "./types";
import { WorkerLoaderPublisher } from "./worker-loader";

export type { BuiltDeployment, Publisher } from "./types";
export { LoadError, PublishUnavailableError } from "./types";

/**
 * The publisher this installation uses, chosen by the RUNTIME var (the dispatcher reads the same one):
 * Worker Loader by default and locally, the Workers for Platforms namespace in production.
 */
export function publisherFor(env: ApiEnv): Publisher {
	switch (runtimeName(env.RUNTIME)) {
		case "worker-loader":
			// Locally the probe process (by RPC); in production, this isolate's own Worker Loader.
			return new WorkerLoaderPublisher(env.PROBE ? (env.PROBE as unknown as LoadProbe) : new LoaderProbe(env.LOADER));
		case "dispatch-namespace":
			return new DispatchNamespacePublisher(cloudflareConfig(env));
	}
}
