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
 * RPC methods are forwarded by name: workerd looks an entrypoint's RPC method up with an ordinary
 * property read on the instance (refusing own properties and what Object.prototype has), so a Proxy
 * in FerryService's prototype chain, between its own prototype and WorkerEntrypoint's, answers for
 * any name the class does not define with a function that makes the same call on the bound
 * entrypoint. A method the bound script does not have fails there, with the runtime's own "The RPC
 * receiver does not implement the method", in the caller's code. docs/bindings.md says what works.
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
	/** The bound script's entrypoint now, or an error the caller's code sees (the script is gone). Private: never an RPC method. */
	async #target(): Promise<Fetcher> {
		const { tenantId, script, entrypoint } = this.ctx.props;
		const route = await resolveRoute(platformReads(this.env), script);
		const runtime = runtimeFor(this.env);
		if (!route || route.tenantId !== tenantId || !(runtime instanceof WorkerLoaderRuntime))
			throw new Error(`service '${script}' is not deployed`);
		return runtime.entrypoint(route, entrypoint);
	}

	override async fetch(request: Request): Promise<Response> {
		return (await this.#target()).fetch(request);
	}

	async #call(method: string, args: unknown[]): Promise<unknown> {
		const target = (await this.#target()) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
		return target[method]!(...args);
	}

	/** The function the prototype's Proxy answers with for an RPC method named `method`. */
	static forwarder(method: string) {
		return function (this: FerryService, ...args: unknown[]) {
			return this.#call(method, args);
		};
	}
}

/**
 * Names never forwarded: the handlers workerd reads off an entrypoint (a function there would make it
 * look like it handles those events), the names RPC reserves, and `then` (an instance must not look
 * like a promise).
 */
const NOT_FORWARDED = new Set([
	"fetch",
	"connect",
	"scheduled",
	"queue",
	"tail",
	"tailStream",
	"trace",
	"email",
	"test",
	"alarm",
	"webSocketMessage",
	"webSocketClose",
	"webSocketError",
	"dup",
	"constructor",
	"then",
]);

const forwarded = (target: object, name: string | symbol): name is string =>
	typeof name === "string" && !(name in target) && !NOT_FORWARDED.has(name);

// The Proxy stands for an object whose own prototype is WorkerEntrypoint's, so instances still are
// WorkerEntrypoints (instanceof and workerd's checks see WorkerEntrypoint.prototype in the chain).
Object.setPrototypeOf(
	FerryService.prototype,
	new Proxy(Object.create(WorkerEntrypoint.prototype) as object, {
		get(target, name, receiver) {
			if (!forwarded(target, name)) return Reflect.get(target, name, receiver);
			return FerryService.forwarder(name);
		},
		// Whoever asks whether the method exists before reading it (the vitest plugin's wrapper of
		// the test Worker's entrypoints does) is told it does, as the read would find it.
		has: (target, name) => forwarded(target, name) || Reflect.has(target, name),
	}),
);
