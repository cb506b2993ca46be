/**
 * Tenants' resources survive the platform (docs/bindings.md): a KV namespace, an R2 bucket and a D1 database written
 * through a tenant's Worker are there after the whole platform is killed (SIGKILL, as in a crash) and started
 * again on the same state directory, and another tenant deploying the same project sees none of it;
 * the project's service binding (RPC to the tenant's other script) works again after the restart.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { loopbackFetch } from "../../loopback/index.ts";
import { type DevServer, newTenant, startDevServer } from "./dev-server.ts";

const ADMIN = "e2e-resources-admin-token";
const stateDir = path.join(mkdtempSync(path.join(tmpdir(), "ferry-e2e-resources-")), "state");
let dev: DevServer | undefined;

afterAll(async () => {
	await dev?.stop();
	rmSync(path.dirname(stateDir), { recursive: true, force: true });
});

const COUNTER = `export default {
	async fetch(request, env) {
		// The service binding's RPC: a method of the tenant's other script, no HTTP the tenant writes.
		if (new URL(request.url).pathname === "/sum") return new Response(String(await env.CALC.add(2, 3)));
		// The last count as an R2 object too, with its HTTP metadata.
		if (new URL(request.url).pathname === "/file") {
			const object = await env.FILES.get("count.txt");
			if (!object) return new Response("none");
			const headers = new Headers();
			object.writeHttpMetadata(headers);
			return new Response(object.body, { headers });
		}
		// Every count is a row of the tenant's D1 database too.
		if (new URL(request.url).pathname === "/rows") {
			const rows = await env.DB.prepare("SELECT n FROM visits ORDER BY n").raw().catch(() => []);
			return Response.json(rows.map(([n]) => n));
		}
		const n = Number((await env.COUNTS.get("n")) ?? 0) + 1;
		await env.COUNTS.put("n", String(n), { metadata: { at: "e2e" } });
		await env.FILES.put("count.txt", String(n), { httpMetadata: { contentType: "text/x-count" } });
		await env.DB.batch([
			env.DB.prepare("CREATE TABLE IF NOT EXISTS visits (n INTEGER)"),
			env.DB.prepare("INSERT INTO visits (n) VALUES (?)").bind(n),
		]);
		return new Response(String(n));
	},
};`;

const tenant = (server: DevServer, name: string) => newTenant(server, ADMIN, name);

const CALC = `import { WorkerEntrypoint } from "cloudflare:workers";
export class Calc extends WorkerEntrypoint {
	add(a, b) { return a + b; }
}
export default { fetch: () => new Response("calc") };`;

async function upload(server: DevServer, auth: Record<string, string>, script: string, source: string, bindings: unknown[]) {
	const form = new FormData();
	form.set("metadata", JSON.stringify({ main_module: "worker.js", compatibility_date: "2026-11-01", bindings }));
	form.set("worker.js", new File([source], "worker.js", { type: "application/javascript+module" }));
	const res = await loopbackFetch(`${server.api}/v1/scripts/${script}`, { method: "PUT", headers: auth, body: form });
	expect(res.status, await res.clone().text()).toBe(200);
}

/** The project: a counter in KV (its last value in R2, each count a D1 row) that also calls the tenant's calc script over its service binding. */
async function deploy(server: DevServer, auth: Record<string, string>, script: string, calc: string) {
	await upload(server, auth, calc, CALC, []);
	await upload(server, auth, script, COUNTER, [
		{ type: "kv_namespace", name: "COUNTS", namespace_id: "counts" },
		{ type: "r2_bucket", name: "FILES", bucket_name: "files" },
		{ type: "d1", name: "DB", id: "visits" },
		{ type: "service", name: "CALC", service: calc, entrypoint: "Calc" },
	]);
}

const count = async (server: DevServer, script: string) => (await loopbackFetch(server.at(script))).text();
const rows = async (server: DevServer, script: string) => (await loopbackFetch(new URL("/rows", server.at(script)))).json();

it("keeps a tenant's KV data, R2 objects, D1 rows and service binding across a platform crash and restart, apart from another tenant's", async () => {
	dev = await startDevServer({ adminToken: ADMIN, stateDir });
	const a = await tenant(dev, "e2e-kv-a");
	await deploy(dev, a, "counter-a", "calc-a");
	expect(await count(dev, "counter-a")).toBe("1");
	expect(await count(dev, "counter-a")).toBe("2");

	await dev.kill();
	dev = await startDevServer({ adminToken: ADMIN, stateDir });
	const file = await loopbackFetch(new URL("/file", dev.at("counter-a")));
	expect(file.headers.get("content-type")).toBe("text/x-count");
	expect(await file.text()).toBe("2");
	expect(await rows(dev, "counter-a")).toEqual([1, 2]);
	expect(await count(dev, "counter-a")).toBe("3");
	expect(await rows(dev, "counter-a")).toEqual([1, 2, 3]);
	expect(await (await loopbackFetch(new URL("/sum", dev.at("counter-a")))).text()).toBe("5");
	const keys = await loopbackFetch(`${dev.api}/v1/kv/counts/keys`, { headers: a });
	expect(await keys.json()).toEqual({ keys: [{ name: "n", metadata: { at: "e2e" } }], list_complete: true });

	// The same project deployed by another tenant counts from nothing.
	const b = await tenant(dev, "e2e-kv-b");
	await deploy(dev, b, "counter-b", "calc-b");
	expect(await (await loopbackFetch(new URL("/file", dev.at("counter-b")))).text()).toBe("none");
	expect(await rows(dev, "counter-b")).toEqual([]);
	expect(await count(dev, "counter-b")).toBe("1");
	expect(await count(dev, "counter-a")).toBe("4");
	expect(await rows(dev, "counter-b")).toEqual([1]);
	expect(await rows(dev, "counter-a")).toEqual([1, 2, 3, 4]);
});
