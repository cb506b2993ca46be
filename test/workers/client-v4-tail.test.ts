/**
 * `wrangler tail` through /client/v4 (workers/api/src/client-v4/tails.ts): the tail is created with
 * wrangler's filters, opened as a WebSocket with the tail id as its only credential, and each of the
 * script's invocations arrives as the trace-v1 message wrangler prints. The real wrangler runs
 * against the local platform in test/cli/wrangler.test.ts.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { versionIdOf } from "../../workers/api/src/client-v4/ids";
import { api, deploy, json, newTenant, uniqueName, visit } from "./platform";

const LOGGING = `export default {
	async fetch(request) {
		const url = new URL(request.url);
		console.log("hello", url.pathname);
		if (url.pathname === "/throw") throw new TypeError("it broke");
		return new Response("ok");
	},
};`;

async function deployed() {
	const t = await newTenant("cf-tail");
	const name = uniqueName("cf-tail");
	const res = await deploy(t.token, name, LOGGING);
	if (res.status !== 200) throw new Error(`deploy failed: ${await res.text()}`);
	return { t, name, deployment: (await json(res)).deployment.id as string };
}

/** wrangler's tail creation: its JSON as a string body, so `text/plain` (undici's default). */
const createTail = (t: { id: string; token: string }, name: string, filters: unknown[] = []) =>
	api(`/client/v4/accounts/${t.id}/workers/scripts/${name}/tails`, {
		method: "POST",
		token: t.token,
		headers: { "content-type": "text/plain;charset=UTF-8" },
		body: JSON.stringify({ filters }),
	});

/** The socket of a tail, read as messages; `next()` waits for the next one. */
async function connect(url: string) {
	const path = new URL(url).pathname;
	const res = await api(path, { headers: { upgrade: "websocket", "sec-websocket-protocol": "trace-v1" } });
	expect(res.status).toBe(101);
	expect(res.headers.get("sec-websocket-protocol")).toBe("trace-v1");
	const socket = res.webSocket!;
	socket.accept();
	const queue: unknown[] = [];
	const waiting: ((message: unknown) => void)[] = [];
	socket.addEventListener("message", (event) => {
		const message = JSON.parse(event.data as string);
		const waiter = waiting.shift();
		if (waiter) waiter(message);
		else queue.push(message);
	});
	socket.send(JSON.stringify({ debug: false }));
	const next = () => (queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiting.push(resolve)));
	return { next, close: () => socket.close(1000, "done") };
}

const storeOf = async (name: string) => {
	const { id } = (await env.DB.prepare("SELECT id FROM scripts WHERE name = ?").bind(name).first<{ id: string }>())!;
	const namespace = (env as unknown as TelemetryEnv).SCRIPT_TELEMETRY;
	return namespace.get(namespace.idFromName(id));
};

describe("/client/v4 tails", () => {
	it("creates a tail in Cloudflare's shape and streams each invocation as wrangler's trace-v1 message", async () => {
		const { t, name, deployment } = await deployed();
		const created = await createTail(t, name);
		expect(created.status).toBe(200);
		const { result } = await json(created);
		expect(result).toMatchObject({
			id: expect.any(String),
			url: expect.stringMatching(/^ws:\/\/api\.localhost:8787\/client\/v4\/tails\//),
		});
		const expires = Date.parse(result.expires_at) - Date.now();
		expect(expires).toBeGreaterThan(59 * 60_000);
		expect(expires).toBeLessThanOrEqual(60 * 60_000);

		const tail = await connect(result.url);
		await (await visit(`${name}.localhost`, "/a?x=1")).text();
		await (await visit(`${name}.localhost`, "/throw")).text();
		expect(await tail.next()).toMatchObject({
			outcome: "ok",
			scriptName: name,
			scriptVersion: { id: versionIdOf(deployment) },
			exceptions: [],
			logs: [{ message: ["hello /a"], level: "log", timestamp: expect.any(Number) }],
			eventTimestamp: expect.any(Number),
			event: { request: { url: `http://${name}.localhost:8787/a?x=1`, method: "GET", headers: {} }, response: { status: 200 } },
		});
		expect(await tail.next()).toMatchObject({
			outcome: "exception",
			exceptions: [{ name: "TypeError", message: "it broke", timestamp: expect.any(Number) }],
			event: { request: { method: "GET" }, response: { status: 500 } },
		});

		// Closing the socket frees the tail's place in the store.
		const store = await storeOf(name);
		expect(await store.openTails()).toBe(1);
		tail.close();
		await expect.poll(() => store.openTails()).toBe(0);
		const deleted = await api(`/client/v4/accounts/${t.id}/workers/scripts/${name}/tails/${result.id}`, {
			method: "DELETE",
			token: t.token,
		});
		expect(await json(deleted)).toMatchObject({ success: true, result: null });
	});

	it("applies wrangler's --status, --method and --search filters in the store", async () => {
		const { t, name } = await deployed();
		const filters = [{ outcome: ["exception", "exceededCpu", "exceededMemory", "unknown"] }, { method: ["POST"] }, { query: "/throw" }];
		const { result } = await json(await createTail(t, name, filters));
		const tail = await connect(result.url);
		await (await visit(`${name}.localhost`, "/throw")).text();
		await (await visit(`${name}.localhost`, "/throw", { method: "POST", body: "x" })).text();
		await (await visit(`${name}.localhost`, "/ok", { method: "POST", body: "x" })).text();
		await (await visit(`${name}.localhost`, "/throw?again", { method: "POST", body: "x" })).text();
		expect(await tail.next()).toMatchObject({
			outcome: "exception",
			event: { request: { method: "POST", url: expect.stringMatching(/\/throw$/) } },
		});
		expect(await tail.next()).toMatchObject({ event: { request: { url: expect.stringMatching(/\/throw\?again$/) } } });
		tail.close();
	});

	it("refuses the filters it cannot apply by name, and junk filters", async () => {
		const { t, name } = await deployed();
		for (const [filter, message] of [
			[{ header: { key: "x-user" } }, "--header is not supported"],
			[{ client_ip: ["self"] }, "--ip is not supported"],
			[{ colo: ["AMS"] }, "tail filter 'colo' is not supported"],
			[{ outcome: ["fine"] }, "invalid tail filter 'outcome'"],
			[{ sampling_rate: 0 }, "invalid tail filter 'sampling_rate'"],
			[{ scriptVersion: "not-a-version" }, "not a version id"],
		] as const) {
			const res = await createTail(t, name, [filter]);
			expect(res.status).toBe(400);
			const body = await json(res);
			expect(body).toMatchObject({ success: false, errors: [{ code: 10026 }] });
			expect(body.errors[0].message).toContain(message);
		}
	});

	it("refuses an eleventh open tail of a script with Cloudflare's rate-limit code, and takes one again once a socket closes", async () => {
		const { t, name } = await deployed();
		const { result } = await json(await createTail(t, name));
		const open = await Promise.all(Array.from({ length: 10 }, () => connect(result.url)));
		const refused = await api(new URL(result.url).pathname, { headers: { upgrade: "websocket" } });
		expect(refused.status).toBe(429);
		expect(await json(refused)).toMatchObject({ success: false, errors: [{ code: 971 }] });
		open[0]!.close();
		const store = await storeOf(name);
		await expect.poll(() => store.openTails()).toBe(9);
		const again = await connect(result.url);
		for (const tail of [...open.slice(1), again]) tail.close();
		await expect.poll(() => store.openTails()).toBe(0);
	});

	it("the socket takes only a tail id this platform signed, for a script that is still there, as a WebSocket", async () => {
		const { t, name } = await deployed();
		const { result } = await json(await createTail(t, name));
		const path = new URL(result.url).pathname;
		const forged = `${path.slice(0, -4)}AAAA`;
		const refused = await api(forged, { headers: { upgrade: "websocket" } });
		expect(refused.status).toBe(401);
		expect(await json(refused)).toMatchObject({ success: false, errors: [{ code: 10000 }] });
		const plain = await api(path);
		expect(plain.status).toBe(400);
		expect(await json(plain)).toMatchObject({ success: false, errors: [{ code: 10026 }] });

		// Deleted, then deployed again under its name: a new script, which the old id does not reach.
		await api(`/v1/scripts/${name}`, { method: "DELETE", token: t.token });
		await deploy(t.token, name, LOGGING);
		const gone = await api(path, { headers: { upgrade: "websocket" } });
		expect(gone.status).toBe(404);
		expect(await json(gone)).toMatchObject({ success: false, errors: [{ code: 10007 }] });
	});
});
