/**
 * Tenants' Durable Objects survive the platform (docs/bindings.md): an object's SQLite storage,
 * written through a tenant's Worker, is there after the whole platform is killed (SIGKILL, as in a
 * crash) and started again on the same state directory (the runtime processes keep the objects in
 * `<state>/objects`), and another tenant deploying the same project counts from nothing. An alarm
 * set before the crash fires after the restart, once, with no request to wake its object.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { loopbackFetch } from "../../loopback/index.ts";
import { type DevServer, newTenant, startDevServer } from "./dev-server.ts";

const ADMIN = "e2e-objects-admin-token";
const stateDir = path.join(mkdtempSync(path.join(tmpdir(), "ferry-e2e-objects-")), "state");
let dev: DevServer | undefined;

afterAll(async () => {
	await dev?.stop();
	rmSync(path.dirname(stateDir), { recursive: true, force: true });
});

const COUNTER = `import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
	increment() {
		const n = (this.ctx.storage.kv.get("n") ?? 0) + 1;
		this.ctx.storage.kv.put("n", n);
		return n;
	}
}
export default {
	async fetch(request, env) {
		return new Response(String(await env.COUNTER.getByName("visits").increment()));
	},
};`;

const tenant = (server: DevServer, name: string) => newTenant(server, ADMIN, name);

/**
 * GET /set?name=N&in=ms sets object N's alarm; its alarm() notes the run in the object "log" (so the
 * test reads the runs without waking N); GET /?name=N answers { alarm, runs, at } of N.
 */
const ALARM = `import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
	async alarm() {
		await this.env.COUNTER.getByName("log").note(this.ctx.id.name ?? null);
	}
	note(woke) {
		this.ctx.storage.kv.put("woke", woke);
		this.ctx.storage.kv.put("runs", (this.ctx.storage.kv.get("runs") ?? 0) + 1);
		this.ctx.storage.kv.put("at", Date.now());
	}
	async set(ms) {
		await this.ctx.storage.setAlarm(Date.now() + ms);
		return this.ctx.storage.getAlarm();
	}
	async state() {
		return { alarm: await this.ctx.storage.getAlarm(), runs: this.ctx.storage.kv.get("runs") ?? 0, at: this.ctx.storage.kv.get("at") ?? null, woke: this.ctx.storage.kv.get("woke") ?? null };
	}
}
export default {
	async fetch(request, env) {
		const url = new URL(request.url);
		const object = env.COUNTER.getByName(url.searchParams.get("name") ?? "main");
		if (url.pathname === "/set") return Response.json(await object.set(Number(url.searchParams.get("in"))));
		return Response.json(await object.state());
	},
};`;

async function deploy(server: DevServer, auth: Record<string, string>, script: string, source = COUNTER) {
	const form = new FormData();
	form.set(
		"metadata",
		JSON.stringify({
			main_module: "worker.js",
			compatibility_date: "2026-11-01",
			bindings: [{ type: "durable_object_namespace", name: "COUNTER", class_name: "Counter" }],
			migrations: { new_tag: "v1", steps: [{ new_sqlite_classes: ["Counter"] }] },
		}),
	);
	form.set("worker.js", new File([source], "worker.js", { type: "application/javascript+module" }));
	const res = await loopbackFetch(`${server.api}/v1/scripts/${script}`, { method: "PUT", headers: auth, body: form });
	expect(res.status).toBe(200);
}

const count = async (server: DevServer, script: string) => (await loopbackFetch(server.at(script))).text();

it("keeps a tenant's Durable Object storage across a platform crash and restart, apart from another tenant's", async () => {
	dev = await startDevServer({ adminToken: ADMIN, stateDir });
	const a = await tenant(dev, "e2e-do-a");
	await deploy(dev, a, "objects-a");
	expect(await count(dev, "objects-a")).toBe("1");
	expect(await count(dev, "objects-a")).toBe("2");

	await dev.kill();
	dev = await startDevServer({ adminToken: ADMIN, stateDir });
	expect(await count(dev, "objects-a")).toBe("3");

	// The same project deployed by another tenant counts from nothing.
	const b = await tenant(dev, "e2e-do-b");
	await deploy(dev, b, "objects-b");
	expect(await count(dev, "objects-b")).toBe("1");
	expect(await count(dev, "objects-a")).toBe("4");
});

interface AlarmState {
	alarm: number | null;
	runs: number;
	at: number | null;
	/** ctx.id.name of the object whose alarm() ran last. */
	woke: string | null;
}

it("fires an alarm set before a crash after the restart, once, with no request to wake the object", async () => {
	dev ??= await startDevServer({ adminToken: ADMIN, stateDir });
	const auth = await tenant(dev, "e2e-do-alarm");
	await deploy(dev, auth, "objects-alarm", ALARM);
	const state = async (server: DevServer, name: string) =>
		(await (await loopbackFetch(`${server.at("objects-alarm")}?name=${name}`)).json()) as AlarmState;
	const set = async (server: DevServer, name: string, ms: number) =>
		(await (await loopbackFetch(`${server.at("objects-alarm")}set?name=${name}&in=${ms}`)).json()) as number;

	expect(await set(dev, "crash", 3_000)).toBeGreaterThan(Date.now());
	await dev.kill();
	const killed = Date.now();
	dev = await startDevServer({ adminToken: ADMIN, stateDir });

	// Nothing asks for "crash" after the restart: its alarm wakes it, once, after the crash.
	await expect.poll(async () => (await state(dev!, "log")).runs, { timeout: 20_000 }).toBe(1);
	expect((await state(dev, "log")).at).toBeGreaterThan(killed);
	// Its host started for the alarm, after the restart, and still gave the object its name.
	expect((await state(dev, "log")).woke).toBe("crash");
	expect((await state(dev, "crash")).alarm).toBeNull();

	// A later alarm has run too, and the first still ran once (every runtime process started on the same objects).
	await set(dev, "later", 1_000);
	await expect.poll(async () => (await state(dev!, "log")).runs, { timeout: 20_000 }).toBe(2);
});
