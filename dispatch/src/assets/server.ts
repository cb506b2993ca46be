/**
 * The asset server of this installation's dispatcher: one per env, reading the AssetStore of the
 * request path's reads (workers/shared/platform/: R2 in-process in production, through the control
 * process's PlatformServices in a local runtime process).
 */
import { platformReads } from "../../../workers/shared/platform";
import { runtimeName } from "../../../workers/shared/runtime/select";
import { AssetServer } from ".";

const servers = new WeakMap<DispatchEnv, AssetServer>();

/**
 * The dispatcher's asset server, or null where the runtime serves a deployment's assets itself: a
 * Workers for Platforms namespace script carries its assets (uploaded with it) and Cloudflare serves
 * them in front of it, with the same semantics.
 */
export function assetServerFor(env: DispatchEnv): AssetServer | null {
	if (runtimeName(env.RUNTIME) === "dispatch-namespace") return null;
	let server = servers.get(env);
	if (!server) {
		server = new AssetServer(platformReads(env));
		servers.set(env, server);
	}
	return server;
}
