import type { RuntimeAdapter } from "../../../workers/shared/runtime/route";
import { WorkerLoaderRuntime } from "./worker-loader";

// One adapter per isolate: built on the first request, not on every one.
let adapter: RuntimeAdapter | undefined;

/** The runtime adapter this installation uses. Locally (and by default) the Worker Loader. */
export function runtimeFor(env: DispatchEnv): RuntimeAdapter {
	adapter ??= new WorkerLoaderRuntime(env.LOADER, env.ARTIFACTS);
	return adapter;
}
