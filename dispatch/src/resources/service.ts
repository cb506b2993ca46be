/**
 * A tenant Worker's service binding (`env.CALC`) when the runtime is Worker Loader: a loopback
 * entrypoint of the dispatcher whose props name the tenant and the bound script (and entrypoint).
 * workerd does not let one loaded Worker's entrypoint be handed to another ("Entrypoints to
 * dynamically-loaded workers cannot be transferred to other Workers … have the parent Worker expose an
 * entrypoint which constructs the dynamic worker and forwards to it"), so this entrypoint is that
 * forwarder: `fetch` goes to the bound script's live deployment (its default export or the named
 * entrypoint), resolved by the dispatcher's route cache at call time, so the binding follows
 * redeploys and rollbacks at once. A script of another tenant (a name released and claimed again
 * since the upload) answers as a deleted one: there is nothing to call.
 *
 * RPC methods are not forwarded yet: workerd finds an entrypoint's RPC methods on its class's own
 * prototype chain below WorkerEntrypoint, so a forwarder cannot answer for names it does not define
 * (a Proxy above WorkerEntrypoint's prototype, or returned by the constructor, is not consulted:
 * "The RPC receiver does not implement …"). docs/bindings.md says what works.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { platformReads } from "../../../workers/shared/platform";
import { resolveRoute } from "../routes";
import { runtimeFor } from "../runtime";
import { WorkerLoaderRuntime } from "../runtime/worker-loader";

export interface ServiceBindingProps {
	tenantId: string;
	script: string;
	entrypoint: string | null;
}

export class FerryService extends WorkerEntrypoint<DispatchEnv, ServiceBindingProps> {
	/** The bound script's entrypoint now, or an error the caller's code sees (the script is gone). */
	async target(): Promise<Fetcher> {
		const { tenantId, script, entrypoint } = this.ctx.props;
		const route = await resolveRoute(platformReads(this.env), script);
		const runtime = runtimeFor(this.env);
		if (!route || route.tenantId !== tenantId || !(runtime instanceof WorkerLoaderRuntime))
			throw new Error(`service '${script}' is not deployed`);
		return runtime.entrypoint(route, entrypoint);
	}

	override async fetch(request: Request): Promise<Response> {
		return (await this.target()).fetch(request);
	}
}
