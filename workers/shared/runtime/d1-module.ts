/**
 * D1's JavaScript API inside a tenant's Worker Loader isolate (docs/bindings.md, "D1 databases").
 * The binding in env is an RPC stub of the dispatcher's FerryD1 (dispatch/src/resources/d1.ts); a
 * statement must be a local object, as in workerd's D1 binding: `prepare()` and `bind()` are
 * synchronous, `bind()` refuses a value D1 refuses where it is called, and `batch([db.prepare(…)])`
 * takes statements that are not promises (an RPC promise cannot be sent back). So this module,
 * imported by the isolate's platform main module (./binding-modules.ts), replaces each D1 binding
 * in env with a D1Database over the stub. Each call that runs SQL is one RPC call with the
 * statement's text and values.
 */

/** Runs in the tenant isolate, as JavaScript: keep it to what workerd gives every Worker. */
export const d1Source = (bindings: string[]) => `
import { env } from "cloudflare:workers";

const typeError = (value) => {
	const detail = "Type '" + typeof value + "' not supported for value '" + String(value) + "'";
	return new Error("D1_TYPE_ERROR: " + detail, { cause: new Error(detail) });
};

/** A bound value in D1's wire form, as workerd's binding converts it. */
const wire = (value) => {
	if (typeof value === "number" || typeof value === "string" || value === null) return value;
	if (typeof value === "boolean") return value ? 1 : 0;
	if (value instanceof ArrayBuffer) return Array.from(new Uint8Array(value));
	if (ArrayBuffer.isView(value)) return Array.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
	if (Array.isArray(value) && value.every((b) => typeof b === "number" && b >= 0 && b < 256)) return value;
	throw typeError(value);
};

class D1PreparedStatement {
	#stub;
	constructor(stub, statement, params) {
		this.#stub = stub;
		this.statement = statement;
		this.params = params;
	}
	bind(...values) { return new D1PreparedStatement(this.#stub, this.statement, values.map(wire)); }
	first(column) { return this.#stub.runFirst(this.statement, this.params, column); }
	all() { return this.#stub.runAll(this.statement, this.params); }
	run() { return this.#stub.runAll(this.statement, this.params); }
	raw(options) { return this.#stub.runRaw(this.statement, this.params, options?.columnNames === true); }
}

class D1Database {
	#stub;
	constructor(stub) { this.#stub = stub; }
	prepare(query) { return new D1PreparedStatement(this.#stub, String(query), []); }
	batch(statements) {
		if (!Array.isArray(statements)) return Promise.reject(new TypeError("D1 batch() takes an array of prepared statements"));
		return this.#stub.runBatch(statements.map((s) => ({ sql: String(s?.statement), params: s?.params ?? [] })));
	}
	exec(query) { return this.#stub.exec(query); }
	withSession() {
		throw new Error("D1 withSession() is not supported on Ferry: a database has one copy, so every query reads its latest writes");
	}
	dump() { return this.#stub.dump(); }
}

for (const name of ${JSON.stringify(bindings)}) env[name] = new D1Database(env[name]);
`;
