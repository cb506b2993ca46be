/**
 * A tenant Worker's Durable Object binding (`env.COUNTER`) when the runtime is Worker Loader
 * (docs/bindings.md, "Durable Objects"). Three parts:
 *
 *   the namespace    in the tenant's isolate (workers/shared/runtime/durable-object-module.ts):
 *                    ids made there, synchronously, and stubs that turn `fetch` and any method into
 *                    one call of FerryObjects with the id's hex.
 *   FerryObjects     the binding under it: a loopback entrypoint whose props name the tenant, the
 *                    script (by id, never reused) and the class; an id reaches the platform's
 *                    Durable Object keyed by those props and the id, so the same id in another
 *                    tenant's (script's, class's) code is another object.
 *   FerryObjectHost  the platform's Durable Object, one per tenant object: its facet
 *                    (`ctx.facets`) runs the tenant's class, loaded from the script's live
 *                    deployment's Worker Loader isolate, so the object has SQLite storage of its
 *                    own, blockConcurrencyWhile, and the env of its Worker.
 *
 * A facet's stub cannot leave its host ("Stubs pointing to Durable Object facets are not
 * serializable"), so the host forwards each call. Facets cannot set alarms ("Facets currently
 * cannot set alarms."): the tenant's setAlarm throws that.
 */
import { DurableObject, WorkerEntrypoint } from "cloudflare:workers";
import { platformReads } from "../../../workers/shared/platform";
import { objectKey } from "../../../workers/shared/resources/durable-objects";
import type { RouteTarget } from "../../../workers/shared/runtime/route";
import { resolveRoute } from "../routes";
import { runtimeFor } from "../runtime";
import { WorkerLoaderRuntime } from "../runtime/worker-loader";

export interface ObjectBindingProps {
	tenantId: string;
	scriptId: string;
	scriptName: string;
	className: string;
}

/** What a host is told with each call: which deployment's class runs the object. */
interface HostCall {
	target: RouteTarget;
	className: string;
}

/** The facet's name in its host: one facet, so its storage is the object's whatever code runs it. */
const FACET = "object";

export class FerryObjectHost extends DurableObject<DispatchEnv> {
	/** The deployment whose class the facet runs now; another one aborts it (its storage stays). */
	private running: string | null = null;

	private facet({ target, className }: HostCall): Fetcher & Record<string, (...args: unknown[]) => Promise<unknown>> {
		const runtime = runtimeFor(this.env);
		if (!(runtime instanceof WorkerLoaderRuntime)) throw new Error("Durable Objects run locally only through Worker Loader");
		if (this.running !== null && this.running !== target.deploymentId) this.ctx.facets.abort(FACET, new Error("the script was redeployed"));
		this.running = target.deploymentId;
		return this.ctx.facets.get(FACET, () => ({ class: runtime.objectClass(target, className) })) as never;
	}

	async call(call: HostCall, method: string, args: unknown[]): Promise<unknown> {
		// workerd answers a name the class lacks with its own "does not implement" error, in the caller's code.
		const facet = this.facet(call);
		return facet[method]!(...args);
	}

	async send(call: HostCall, request: Request): Promise<Response> {
		return this.facet(call).fetch(request);
	}
}

export class FerryObjects extends WorkerEntrypoint<DispatchEnv, ObjectBindingProps> {
	/** The object's host: the tenant's id (64 hex, made in its isolate) keyed by this binding's tenant, script and class. */
	#host(id: string): DurableObjectStub<FerryObjectHost> {
		if (!this.env.OBJECTS) throw new Error("Durable Objects are not available: the platform has no OBJECTS namespace");
		if (!/^[0-9a-f]{64}$/.test(String(id))) throw new TypeError("Invalid Durable Object ID: must be 64 hex digits");
		const namespace = this.env.OBJECTS as DurableObjectNamespace<FerryObjectHost>;
		return namespace.get(namespace.idFromName(objectKey(this.ctx.props, String(id))));
	}

	async fetchObject(id: string, request: Request): Promise<Response> {
		const host = this.#host(id);
		return host.send(await this.#call(), request);
	}

	async callObject(id: string, method: string, args: unknown[]): Promise<unknown> {
		const host = this.#host(id);
		return host.call(await this.#call(), String(method), args);
	}

	/** The class as the script's live deployment has it; a script deleted (or another tenant's since) has none. */
	async #call(): Promise<HostCall> {
		const { tenantId, scriptId, scriptName, className } = this.ctx.props;
		const route = await resolveRoute(platformReads(this.env), scriptName);
		if (!route || route.tenantId !== tenantId || route.scriptId !== scriptId)
			throw new Error(`Durable Object class '${className}': script '${scriptName}' is not deployed`);
		return { target: route, className };
	}
}
