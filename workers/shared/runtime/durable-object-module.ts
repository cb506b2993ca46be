/**
 * The Durable Object namespace API inside a tenant's Worker Loader isolate (docs/bindings.md,
 * "Durable Objects"). The binding in env is an RPC stub of the dispatcher's FerryObjects
 * (dispatch/src/resources/durable-objects.ts); over RPC every call is a promise and a promise cannot
 * be sent back (`get(idFromName(n))` would fail), so this module, imported by the isolate's platform
 * main module (./binding-modules.ts), replaces each Durable Object binding in env with a namespace
 * whose ids are local: `idFromName` hashes the name (SHA-256, synchronously), `newUniqueId` is 32
 * random bytes, `idFromString` checks 64 hex digits. A stub is a Proxy: `fetch` and any method name
 * become one call of FerryObjects with the id's hex, which the platform keys by the binding's tenant,
 * script and class, so an id of another tenant names nothing of theirs.
 *
 * Alarms: workerd refuses them inside a facet ("Facets currently cannot set alarms."), so the
 * platform main module exports, for each bound class, a subclass (`withAlarms`) whose constructor
 * gives the object's own `ctx.storage` (and its transactions) `setAlarm`, `getAlarm` and
 * `deleteAlarm` of the platform's: calls of FerryObjects with the object's id (the host passes it
 * in the class's props), which the host keeps and the local platform's clock fires
 * (local/control/object-alarms.ts). The same constructor gives ctx the tenant's id (the facet's
 * own is its host's): the hex and, when the host knows it, the name, both from the props, so
 * `ctx.id.toString()`, `ctx.id.name` and `ctx.id.equals()` answer as the caller's id does. A stub
 * sends its id's name with each call for that. The rest of ctx and storage is workerd's own, untouched. The
 * host runs the tenant's `alarm(alarmInfo)` through the subclass's ALARM_METHOD, since RPC reserves
 * the name `alarm`.
 */
import type { DurableObjectBinding } from "../resources/durable-objects";

/** The props key under which the host names the object (its id, 64 hex) to the class it runs. */
export const OBJECT_PROP = "ferry.object";
/** The props key of the object's name, when the tenant reached it by idFromName or getByName. */
export const OBJECT_NAME_PROP = "ferry.objectName";
/** The subclass's method that runs the tenant's alarm(): workerd's RPC refuses to call "alarm" itself. */
export const ALARM_METHOD = "ferry alarm";

/** The compatibility date from which `deleteAll()` deletes the object's alarm as well. */
const DELETE_ALL_DELETES_ALARM = "2026-02-24";

/** Runs in the tenant isolate, as JavaScript: keep it to what workerd gives every Worker. */
export const durableObjectSource = (bindings: DurableObjectBinding[], compatibilityDate: string) => `
import { env } from "cloudflare:workers";

const K = new Uint32Array([
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
	0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
	0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
	0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
	0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
	0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** SHA-256 of a string's UTF-8 as 64 hex digits, synchronously (crypto.subtle is async). */
function sha256Hex(text) {
	const data = new TextEncoder().encode(text);
	const length = ((data.length + 9 + 63) >> 6) << 6;
	const bytes = new Uint8Array(length);
	bytes.set(data);
	bytes[data.length] = 0x80;
	const view = new DataView(bytes.buffer);
	view.setUint32(length - 4, data.length * 8);
	view.setUint32(length - 8, Math.floor(data.length / 0x20000000));
	const h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
	const w = new Uint32Array(64);
	const rotr = (x, n) => (x >>> n) | (x << (32 - n));
	for (let offset = 0; offset < length; offset += 64) {
		for (let i = 0; i < 16; i++) w[i] = view.getUint32(offset + i * 4);
		for (let i = 16; i < 64; i++) {
			const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
			const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
			w[i] = w[i - 16] + s0 + w[i - 7] + s1;
		}
		let [a, b, c, d, e, f, g, k] = h;
		for (let i = 0; i < 64; i++) {
			const t1 = (k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) >>> 0;
			const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
			k = g; g = f; f = e; e = (d + t1) >>> 0; d = c; c = b; b = a; a = (t1 + t2) >>> 0;
		}
		h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += k;
	}
	return [...h].map((x) => x.toString(16).padStart(8, "0")).join("");
}

class DurableObjectId {
	#hex;
	constructor(hex, name) {
		this.#hex = hex;
		if (name !== undefined) this.name = name;
	}
	toString() { return this.#hex; }
	toJSON() { return this.#hex; }
	equals(other) { return other instanceof DurableObjectId && other.toString() === this.#hex; }
}

const HEX_ID = /^[0-9a-f]{64}$/;

/** A stub: its id and name, \`fetch\`, and any other name as an RPC method of the object. */
function objectStub(binding, id) {
	const target = {
		id,
		name: id.name,
		fetch: (input, init) => binding.fetchObject(id.toString(), new Request(input, init), id.name),
	};
	return new Proxy(target, {
		get(target, property) {
			if (typeof property !== "string" || property in target) return target[property];
			// A stub is not a promise: awaiting one must not call a method named "then".
			if (property === "then") return undefined;
			return (...args) => binding.callObject(id.toString(), property, args, id.name);
		},
	});
}

class DurableObjectNamespace {
	#binding;
	constructor(binding) { this.#binding = binding; }
	idFromName(name) { return new DurableObjectId(sha256Hex("name:" + String(name)), String(name)); }
	newUniqueId() {
		const bytes = crypto.getRandomValues(new Uint8Array(32));
		return new DurableObjectId([...bytes].map((b) => b.toString(16).padStart(2, "0")).join(""));
	}
	idFromString(id) {
		const hex = String(id);
		if (!HEX_ID.test(hex)) throw new TypeError("Invalid Durable Object ID: must be 64 hex digits");
		return new DurableObjectId(hex);
	}
	get(id) {
		if (!(id instanceof DurableObjectId)) throw new TypeError("get() takes a DurableObjectId of this namespace (idFromName, newUniqueId, idFromString)");
		return objectStub(this.#binding, id);
	}
	getByName(name) { return this.get(this.idFromName(name)); }
	jurisdiction() { return this; }
}

/** Each class's FerryObjects binding (any of its bindings: their props name the same class), for its alarms. */
const alarmBindings = {};
for (const { binding, className } of ${JSON.stringify(bindings)}) {
	alarmBindings[className] ??= env[binding];
	env[binding] = new DurableObjectNamespace(env[binding]);
}

const define = (target, methods) => {
	for (const [name, value] of Object.entries(methods)) Object.defineProperty(target, name, { value, configurable: true, writable: true });
};

/** workerd's own checks and words (actor-state.c++, worker.c++). */
function alarmTime(scheduledTime) {
	const time = scheduledTime instanceof Date ? scheduledTime.getTime() : scheduledTime;
	if (typeof time !== "number" || Number.isNaN(time)) throw new TypeError("setAlarm() takes a Date or a number of milliseconds since the epoch");
	if (time <= 0) throw new TypeError("setAlarm() cannot be called with an alarm time <= 0");
	return time;
}

/** The object's storage with the platform's alarm methods; one after another, in the order they were called. */
function withPlatformAlarms(storage, binding, id, hasHandler) {
	let last = Promise.resolve();
	const inOrder = (operation) => {
		const next = last.then(operation);
		last = next.catch(() => undefined);
		return next;
	};
	const alarms = {
		setAlarm(scheduledTime) {
			if (!hasHandler) throw new TypeError("Your Durable Object class must have an alarm() handler in order to call setAlarm()");
			const time = alarmTime(scheduledTime);
			return inOrder(async () => { await binding.setObjectAlarm(id, time); });
		},
		getAlarm() { return inOrder(() => binding.getObjectAlarm(id)); },
		deleteAlarm() { return inOrder(async () => { await binding.deleteObjectAlarm(id); }); },
	};
	define(storage, alarms);
	const { transaction, deleteAll } = storage;
	define(storage, {
		transaction(closure, ...rest) {
			return transaction.call(storage, (txn) => {
				define(txn, alarms);
				return closure(txn);
			}, ...rest);
		},
	});
	// From compatibility date 2026-02-24, deleteAll() deletes the alarm too (Cloudflare's changelog of that day).
	if (${JSON.stringify(compatibilityDate >= DELETE_ALL_DELETES_ALARM)})
		define(storage, {
			async deleteAll(...args) {
				await deleteAll.apply(storage, args);
				await alarms.deleteAlarm();
			},
		});
}

/**
 * The tenant's class as the isolate's main module exports it: the same class (its name, methods
 * and prototype chain), constructed with its own ctx whose storage's alarm methods are the
 * platform's and whose id is the tenant's. Anything that is not one of the script's bound classes is left as it is.
 */
export function withAlarms(Base, className) {
	const binding = alarmBindings[className];
	if (typeof Base !== "function" || !binding) return Base;
	const hasHandler = typeof Base.prototype?.alarm === "function";
	const classes = {
		[className]: class extends Base {
			constructor(ctx, env) {
				const id = ctx?.props?.[${JSON.stringify(OBJECT_PROP)}];
				if (typeof id === "string") {
					withPlatformAlarms(ctx.storage, binding, id, hasHandler);
					// The facet's own id is its host's: the object's is the tenant's, with its name.
					const name = ctx.props[${JSON.stringify(OBJECT_NAME_PROP)}];
					define(ctx, { id: new DurableObjectId(id, typeof name === "string" ? name : undefined) });
				}
				super(ctx, env);
			}
			[${JSON.stringify(ALARM_METHOD)}](alarmInfo) {
				return this.alarm(alarmInfo);
			}
		},
	};
	return classes[className];
}
`;
