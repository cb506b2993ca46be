/**
 * Service bindings (docs/bindings.md): a script binds another script of the same tenant by name and
 * calls its `fetch` and the RPC methods of its default export or of a named WorkerEntrypoint, with no
 * HTTP hop the tenant writes; the binding follows the bound script's live deployment; another
 * tenant's script is refused at upload exactly like a script that does not exist.
 */
import { describe, expect, it } from "vitest";
import { deploy, json, newTenant, uniqueName, visit } from "./platform";

const CALC = (version: string) => `import { RpcTarget, WorkerEntrypoint } from "cloudflare:workers";
class Counter extends RpcTarget {
	n = 0;
	inc(by) { return (this.n += by); }
}
export class Calc extends WorkerEntrypoint {
	fetch(request) { return new Response("Calc ${version} " + new URL(request.url).pathname); }
	add(a, b) { return a + b; }
	counter() { return new Counter(); }
	async apply(fn, x) { return await fn(x); }
}
export default class extends WorkerEntrypoint {
	async fetch(request) { return new Response("calc ${version} " + request.method + " " + new URL(request.url).pathname + " " + (await request.text())); }
	greet(name) { return "hello " + name + " from ${version}"; }
}`;

const FRONT = `export default {
	async fetch(request, env) {
		const path = new URL(request.url).pathname;
		if (path === "/rpc") return Response.json({ sum: await env.CALC.add(2, 3), greeting: await env.CALC_HTTP.greet("ada") });
		if (path === "/rpc-stubs") {
			const counter = await env.CALC.counter();
			await counter.inc(2);
			const twice = await env.CALC.apply((x) => x * 2, 21);
			return Response.json({ count: await counter.inc(3), twice });
		}
		if (path === "/rpc-missing") return Response.json(await env.CALC.subtract(2, 3));
		if (path === "/rpc-caught") {
			try {
				await env.CALC.subtract(2, 3);
			} catch (error) {
				return Response.json({ name: error.name, message: error.message });
			}
		}
		const named = await (await env.CALC.fetch("http://calc.internal/named")).text();
		const page = await (await env.CALC_HTTP.fetch("http://calc.internal/path", { method: "POST", body: "b" })).text();
		return Response.json({ named, page });
	},
};`;

const bindings = (service: string) => [
	{ type: "service", name: "CALC", service, entrypoint: "Calc" },
	{ type: "service", name: "CALC_HTTP", service },
];

async function deployed(token: string, name: string, source: string, metadata: Record<string, unknown> = {}) {
	const res = await deploy(token, name, source, metadata);
	if (res.status !== 200) throw new Error(`deploy failed: ${res.status} ${await res.text()}`);
	return (await json(res)).deployment as { id: string };
}

describe("service bindings", () => {
	it("fetch another script of the tenant, its default export or a named entrypoint, following its live deployment", async () => {
		const t = await newTenant();
		const calc = uniqueName("calc");
		const front = uniqueName("front");
		await deployed(t.token, calc, CALC("v1"));
		await deployed(t.token, front, FRONT, { bindings: bindings(calc) });
		expect(await json(await visit(`${front}.localhost`))).toEqual({ named: "Calc v1 /named", page: "calc v1 POST /path b" });

		// The binding follows the bound script's live deployment (the route refresh reaches every isolate at once).
		await deployed(t.token, calc, CALC("v2"));
		expect(await json(await visit(`${front}.localhost`))).toEqual({ named: "Calc v2 /named", page: "calc v2 POST /path b" });
	});

	it("call the RPC methods of a named entrypoint and of the default export, following the live deployment", async () => {
		const t = await newTenant();
		const calc = uniqueName("calc");
		const front = uniqueName("front");
		await deployed(t.token, calc, CALC("v1"));
		await deployed(t.token, front, FRONT, { bindings: bindings(calc) });
		expect(await json(await visit(`${front}.localhost`, "/rpc"))).toEqual({ sum: 5, greeting: "hello ada from v1" });
		await deployed(t.token, calc, CALC("v2"));
		expect(await json(await visit(`${front}.localhost`, "/rpc"))).toEqual({ sum: 5, greeting: "hello ada from v2" });

		// What RPC carries besides values: a returned RpcTarget (its stub keeps its state) and a callback.
		expect(await json(await visit(`${front}.localhost`, "/rpc-stubs"))).toEqual({ count: 5, twice: 42 });

		// A method the bound entrypoint does not have: the runtime's TypeError in the caller's code, which may catch it…
		expect(await json(await visit(`${front}.localhost`, "/rpc-caught"))).toEqual({
			name: "TypeError",
			message: 'The RPC receiver does not implement the method "subtract".',
		});
		// …or not: then it is the caller's own 500 page.
		const missing = await visit(`${front}.localhost`, "/rpc-missing");
		expect(missing.status).toBe(500);
		expect(await missing.text()).toContain(missing.headers.get("x-ferry-request-id")!);
	});

	it("refuse another tenant's script exactly like a missing one, at upload", async () => {
		const a = await newTenant();
		const b = await newTenant();
		const theirs = uniqueName("calc");
		await deployed(a.token, theirs, CALC("a"));
		const missing = uniqueName("nobody");
		const attempt = async (service: string) => {
			const res = await deploy(b.token, uniqueName("front"), FRONT, { bindings: bindings(service) });
			return { status: res.status, body: (await res.text()).replaceAll(service, "<script>") };
		};
		const toTheirs = await attempt(theirs);
		expect(toTheirs.status).toBe(400);
		expect(toTheirs).toEqual(await attempt(missing));
		expect(JSON.parse(toTheirs.body).error).toEqual({
			code: "invalid_metadata",
			message: "binding 'CALC': service '<script>' is not one of your scripts (deploy it first)",
		});
	});

	it("refuse what Ferry cannot bind", async () => {
		const t = await newTenant();
		const calc = uniqueName("calc");
		await deployed(t.token, calc, CALC("v1"));
		const refused = async (binding: Record<string, unknown>, message: RegExp) => {
			const res = await deploy(t.token, uniqueName("front"), FRONT, { bindings: [binding] });
			expect(res.status).toBe(400);
			expect((await json(res)).error.message).toMatch(message);
		};
		await refused({ type: "service", name: "CALC", service: calc, environment: "staging" }, /environment is not supported/);
		await refused({ type: "service", name: "CALC" }, /needs service/);
		await refused(
			{ type: "service", name: "CALC", service: calc, entrypoint: "not-a-class" },
			/entrypoint is the name of an exported class/,
		);
	});

	it("to a missing entrypoint fail the caller's request with the tenant's 500, not the platform's", async () => {
		const t = await newTenant();
		const calc = uniqueName("calc");
		const front = uniqueName("front");
		await deployed(t.token, calc, CALC("v1"));
		await deployed(t.token, front, FRONT, {
			bindings: [
				{ type: "service", name: "CALC", service: calc, entrypoint: "Nope" },
				{ type: "service", name: "CALC_HTTP", service: calc },
			],
		});
		const res = await visit(`${front}.localhost`);
		expect(res.status).toBe(500);
		expect(await res.text()).toContain(res.headers.get("x-ferry-request-id")!);
	});
});
