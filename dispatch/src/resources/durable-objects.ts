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
 * The facet's own ctx.id would be its host's; the host passes the tenant's id (and its name, which
 * the stub sends and the host keeps once it checks it against the id's hash) in the class's props,
 * and durable-object-module.ts's subclass makes them the object's ctx.id.
 *
 * A facet's stub cannot leave its host ("Stubs pointing to Durable Object facets are not
 * serializable"), so the host forwards each call.
 *
 * Alarms: workerd refuses them inside a facet ("Facets currently cannot set alarms."), and the
 * hosts' own alarms would not do either, locally: the runtime processes share one objects
 * directory, and workerd's alarm scheduler reads its alarms from there into every process at
 * start, so each would fire each alarm, and learns new ones only from its own process. So the
 * tenant's `ctx.storage.setAlarm` (the platform's, given to the class by durable-object-module.ts)
 * reaches the host through FerryObjects, the host keeps the time (getAlarm reads it) and hands it
 * to the one clock of the local platform, in the control process (local/control/object-alarms.ts),
 * which delivers it when due to the process that serves the script (the Scheduler entrypoint,
 * ../cron/) and retries a failed alarm() as Cloudflare does.
 */
import { DurableObject, WorkerEntrypoint } from "cloudflare:workers";
import { sha256Hex } from "../../../workers/shared/ids";
import { platformReads } from "../../../workers/shared/platform";
import {
	ALARM_MAX_RETRIES,
	type AlarmOutcome,
	type ObjectAlarmClock,
	type ObjectOwner,
	objectKey,
} from "../../../workers/shared/resources/durable-objects";
import { ALARM_METHOD, OBJECT_NAME_PROP, OBJECT_PROP } from "../../../workers/shared/runtime/durable-object-module";
import type { RouteTarget } from "../../../workers/shared/runtime/route";
import { resolveRoute } from "../routes";
import { runtimeFor } from "../runtime";
import { WorkerLoaderRuntime } from "../runtime/worker-loader";

export type ObjectBindingProps = ObjectOwner;

/** What a host is told with each call: which deployment's class runs the object, and whose object it is. */
interface HostCall {
	target: RouteTarget;
	owner: ObjectOwner;
	/** The tenant's id of the object (64 hex). */
	id: string;
	/** The name the tenant's id was made from (idFromName, getByName), if the caller's id has one. */
	name?: string;
}

/** The facet's name in its host: one facet, so its storage is the object's whatever code runs it. */
const FACET = "object";
/** The host's own storage: the object's alarm, as the tenant last set it (ms since the epoch). */
const ALARM_KEY = "alarm";
/** The host's own storage: the object's name, once a caller's id had it (so ctx.id.name holds in alarm() too). */
const NAME_KEY = "name";

type Facet = Fetcher & Record<string, (...args: unknown[]) => Promise<unknown>>;

export class FerryObjectHost extends DurableObject<DispatchEnv> {
	/** The deployment whose class the facet runs now; another one aborts it (its storage stays). */
	private running: string | null = null;
	/** Set by setAlarm/deleteAlarm while an alarm() runs: the tenant's own change wins over a retry. */
	private alarmChanged = false;
	/** The object's name as stored (null: none yet), read once. */
	private name: string | null | undefined;

	private facet({ target, owner, id }: HostCall): Facet {
		const runtime = runtimeFor(this.env);
		if (!(runtime instanceof WorkerLoaderRuntime)) throw new Error("Durable Objects run locally only through Worker Loader");
		if (this.running !== null && this.running !== target.deploymentId) this.ctx.facets.abort(FACET, new Error("the script was redeployed"));
		this.running = target.deploymentId;
		const props = { [OBJECT_PROP]: id, ...(typeof this.name === "string" ? { [OBJECT_NAME_PROP]: this.name } : {}) };
		return this.ctx.facets.get(FACET, () => ({ class: runtime.objectClass(target, owner.className, props) })) as never;
	}

	/**
	 * Keeps the name of the caller's id, if it has one and it is the name the id was made from
	 * (idFromName hashes "name:" + name): the facet's ctx.id.name, from the first call that had it.
	 */
	private async learnName({ id, name }: HostCall): Promise<void> {
		this.name ??= this.ctx.storage.kv.get<string>(NAME_KEY) ?? null;
		if (typeof name !== "string" || this.name === name) return;
		if ((await sha256Hex(`name:${name}`)) !== id) return;
		this.ctx.storage.kv.put(NAME_KEY, name);
		this.name = name;
	}

	async call(call: HostCall, method: string, args: unknown[]): Promise<unknown> {
		await this.learnName(call);
		// workerd answers a name the class lacks with its own "does not implement" error, in the caller's code.
		const facet = this.facet(call);
		return facet[method]!(...args);
	}

	async send(call: HostCall, request: Request): Promise<Response> {
		await this.learnName(call);
		return this.facet(call).fetch(request);
	}

	/** One alarm per object: a new time replaces the old; a time in the past fires at once. */
	async setAlarm(owner: ObjectOwner, id: string, scheduledTime: number): Promise<void> {
		const time = Math.max(scheduledTime, Date.now());
		await clock(this.env).setObjectAlarm(owner, id, time);
		this.ctx.storage.kv.put(ALARM_KEY, time);
		this.alarmChanged = true;
	}

	getAlarm(): number | null {
		return this.ctx.storage.kv.get<number>(ALARM_KEY) ?? null;
	}

	async deleteAlarm(owner: ObjectOwner, id: string): Promise<void> {
		await clock(this.env).setObjectAlarm(owner, id, null);
		this.ctx.storage.kv.delete(ALARM_KEY);
		this.alarmChanged = true;
	}

	/**
	 * The clock's delivery: runs the tenant's alarm() with Cloudflare's alarmInfo if the object still
	 * has this alarm. While it runs getAlarm answers null (or the time alarm() set); a failure with
	 * retries left keeps the alarm for the clock's next try.
	 */
	async runAlarm(owner: ObjectOwner, id: string, scheduledTime: number, retryCount: number): Promise<AlarmOutcome> {
		if (this.getAlarm() !== scheduledTime) return "stale";
		const target = await liveTarget(this.env, owner);
		if (target === null) return "gone";
		if (target.quarantinedUntil !== null && target.quarantinedUntil > Date.now()) return "unavailable";
		this.ctx.storage.kv.delete(ALARM_KEY);
		this.alarmChanged = false;
		try {
			await this.learnName({ target, owner, id });
			await this.facet({ target, owner, id })[ALARM_METHOD]!({ retryCount, isRetry: retryCount > 0 });
			return "ran";
		} catch {
			if (!this.alarmChanged && retryCount < ALARM_MAX_RETRIES) this.ctx.storage.kv.put(ALARM_KEY, scheduledTime);
			return "failed";
		}
	}
}

export class FerryObjects extends WorkerEntrypoint<DispatchEnv, ObjectBindingProps> {
	/** `name`: the name the stub's id was made from (idFromName, getByName), for the object's ctx.id.name. */
	async fetchObject(id: string, request: Request, name?: string): Promise<Response> {
		const host = hostOf(this.env, this.ctx.props, id);
		return host.send(await this.#call(id, name), request);
	}

	async callObject(id: string, method: string, args: unknown[], name?: string): Promise<unknown> {
		const host = hostOf(this.env, this.ctx.props, id);
		return host.call(await this.#call(id, name), String(method), args);
	}

	/** The object's ctx.storage.setAlarm (durable-object-module.ts checked the time's type, as workerd does). */
	async setObjectAlarm(id: string, scheduledTime: number): Promise<void> {
		const host = hostOf(this.env, this.ctx.props, id);
		if (typeof scheduledTime !== "number" || !(scheduledTime > 0))
			throw new TypeError("setAlarm() cannot be called with an alarm time <= 0");
		await host.setAlarm(this.#owner(), String(id), scheduledTime);
	}

	async getObjectAlarm(id: string): Promise<number | null> {
		return hostOf(this.env, this.ctx.props, id).getAlarm();
	}

	async deleteObjectAlarm(id: string): Promise<void> {
		await hostOf(this.env, this.ctx.props, id).deleteAlarm(this.#owner(), String(id));
	}

	#owner(): ObjectOwner {
		const { tenantId, scriptId, scriptName, className } = this.ctx.props;
		return { tenantId, scriptId, scriptName, className };
	}

	/** The class as the script's live deployment has it; a script deleted (or another tenant's since) has none. */
	async #call(id: string, name?: string): Promise<HostCall> {
		const owner = this.#owner();
		const target = await liveTarget(this.env, owner);
		if (!target) throw new Error(`Durable Object class '${owner.className}': script '${owner.scriptName}' is not deployed`);
		return { target, owner, id: String(id), ...(typeof name === "string" ? { name } : {}) };
	}
}

/** The object's host: the tenant's id (64 hex, made in its isolate) keyed by its binding's tenant, script and class. */
export function hostOf(env: DispatchEnv, owner: ObjectOwner, id: string): DurableObjectStub<FerryObjectHost> {
	if (!env.OBJECTS) throw new Error("Durable Objects are not available: the platform has no OBJECTS namespace");
	if (!/^[0-9a-f]{64}$/.test(String(id))) throw new TypeError("Invalid Durable Object ID: must be 64 hex digits");
	const namespace = env.OBJECTS as DurableObjectNamespace<FerryObjectHost>;
	return namespace.get(namespace.idFromName(objectKey(owner, String(id))));
}

/** The script's live deployment, if the script is still the owner's (a deleted script's name may be another tenant's now). */
async function liveTarget(env: DispatchEnv, owner: ObjectOwner): Promise<RouteTarget | null> {
	const route = await resolveRoute(platformReads(env), owner.scriptName);
	if (!route || route.tenantId !== owner.tenantId || route.scriptId !== owner.scriptId) return null;
	return route;
}

/** The local platform's alarm clock, through the control process's PlatformServices. */
function clock(env: DispatchEnv): ObjectAlarmClock {
	if (!env.PLATFORM) throw new Error("Durable Object alarms need the local platform's control process (PLATFORM)");
	return env.PLATFORM as unknown as ObjectAlarmClock;
}
