/**
 * A tenant Worker's Durable Object binding (`env.COUNTER`) when the runtime is Worker Loader
 * (docs/bindings.md, "Durable Objects"). Two parts:
 *
 *   FerryObjects     the binding in tenant env: a loopback entrypoint whose props name the tenant,
 *                    the script (by id, never reused) and the class. idFromName/newUniqueId/
 *                    idFromString give ids of the platform's namespace (OBJECTS) keyed by those
 *                    props, get/getByName give a stub with `fetch` and the class's RPC methods.
 *   FerryObjectHost  the platform's Durable Object, one per tenant object: its facet
 *                    (`ctx.facets`) runs the tenant's class, loaded from the script's live
 *                    deployment's Worker Loader isolate, so the object has SQLite storage of its
 *                    own, blockConcurrencyWhile, and the env of its Worker.
 *
 * workerd shapes what the tenant sees: an RPC call to the binding returns a promise (ids are
 * awaited: `get(await ns.idFromName(n))`; an unawaited one fails with "Could not serialize object of
 * type RpcPromise"), a facet's stub cannot leave its host ("Stubs pointing to Durable Object facets
 * are not serializable"), so the host forwards each call, and only methods it can name: the ones the
 * Loaded probe found on the class (workers/shared/runtime/load-probe.ts). Facets cannot set alarms
 * ("Facets currently cannot set alarms."): the tenant's setAlarm throws that.
 *
 * The tenant never names another tenant's object: a name is keyed by the props, and an id of
 * another owner (idFromString of an id someone leaked) answers as an id of another namespace.
 */
import { DurableObject, WorkerEntrypoint } from "cloudflare:workers";
import { platformReads } from "../../../workers/shared/platform";
import { objectKey, objectOwner } from "../../../workers/shared/resources/durable-objects";
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

/** What a host is told with each call: whose object it is and which deployment's class runs it. */
interface HostCall {
	owner: string;
	target: RouteTarget;
	className: string;
}

/** The facet's name in its host: one facet, so its storage is the object's whatever code runs it. */
const FACET = "object";
const OWNER_KEY = "ferry:owner";

const notThisNamespace = () => new TypeError("Invalid Durable Object ID: the ID is not for this namespace.");

export class FerryObjectHost extends DurableObject<DispatchEnv> {
	/** The deployment whose class the facet runs now; another one aborts it (its storage stays). */
	private running: string | null = null;

	private facet({ owner, target, className }: HostCall): Fetcher & Record<string, (...args: unknown[]) => Promise<unknown>> {
		const recorded = this.ctx.storage.kv.get<string>(OWNER_KEY);
		if (recorded === undefined) this.ctx.storage.kv.put(OWNER_KEY, owner);
		else if (recorded !== owner) throw notThisNamespace();
		const runtime = runtimeFor(this.env);
		if (!(runtime instanceof WorkerLoaderRuntime)) throw new Error("Durable Objects run locally only through Worker Loader");
		if (this.running !== null && this.running !== target.deploymentId) this.ctx.facets.abort(FACET, new Error("the script was redeployed"));
		this.running = target.deploymentId;
		return this.ctx.facets.get(FACET, () => ({ class: runtime.objectClass(target, className) })) as never;
	}

	async call(call: HostCall, method: string, args: unknown[]): Promise<unknown> {
		const facet = this.facet(call);
		return facet[method]!(...args);
	}

	async send(call: HostCall, request: Request): Promise<Response> {
		return this.facet(call).fetch(request);
	}
}

/** A stub as the tenant's code holds it: its id, `fetch`, and one function per RPC method of the class. */
type ObjectStub = Record<string, unknown>;

export class FerryObjects extends WorkerEntrypoint<DispatchEnv, ObjectBindingProps> {
	private get namespace(): DurableObjectNamespace<FerryObjectHost> {
		if (!this.env.OBJECTS) throw new Error("Durable Objects are not available: the platform has no OBJECTS namespace");
		return this.env.OBJECTS as DurableObjectNamespace<FerryObjectHost>;
	}

	idFromName(name: string): string {
		return this.namespace.idFromName(objectKey(this.ctx.props, String(name))).toString();
	}

	newUniqueId(): string {
		return this.namespace.newUniqueId().toString();
	}

	idFromString(id: string): string {
		return this.namespace.idFromString(String(id)).toString();
	}

	getByName(name: string): Promise<ObjectStub> {
		return this.get(this.idFromName(name), String(name));
	}

	async get(id: unknown, name?: string): Promise<ObjectStub> {
		if (typeof id !== "string")
			throw new TypeError("get() takes the id as a string: await the id first (get(await env.BINDING.idFromName(name)))");
		const host = this.namespace.get(this.namespace.idFromString(id));
		const call = await this.hostCall();
		const stub: ObjectStub = {
			id,
			...(name === undefined ? {} : { name }),
			fetch: (input: RequestInfo | URL, init?: RequestInit) => host.send(call, new Request(input, init)),
		};
		for (const method of await this.methods(call.target)) stub[method] = (...args: unknown[]) => host.call(call, method, args);
		return stub;
	}

	/** The class as the script's live deployment has it; a script deleted (or another tenant's since) has none. */
	private async hostCall(): Promise<HostCall> {
		const { tenantId, scriptId, scriptName, className } = this.ctx.props;
		const route = await resolveRoute(platformReads(this.env), scriptName);
		if (!route || route.tenantId !== tenantId || route.scriptId !== scriptId)
			throw new Error(`Durable Object class '${className}': script '${scriptName}' is not deployed`);
		return { owner: objectOwner(this.ctx.props), target: route, className };
	}

	private async methods(target: RouteTarget): Promise<string[]> {
		const runtime = runtimeFor(this.env);
		if (!(runtime instanceof WorkerLoaderRuntime)) return [];
		const { manifest } = await runtime.deploymentCode(target.deploymentId);
		const found = manifest.durableObjects?.classes.find((c) => c.name === this.ctx.props.className);
		if (!found)
			throw new Error(`Durable Object class '${this.ctx.props.className}' is not in the live deployment of '${target.scriptName}'`);
		return found.methods ?? [];
	}
}
