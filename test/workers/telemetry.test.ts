/**
 * One record per invocation, collected by the dispatcher's tail consumer (Worker Loader `tails`) into
 * the telemetry Worker's per-script store, read through `GET /v1/scripts/:name/logs`.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { readEvents } from "../../workers/shared/http/sse";
import telemetryWorker from "../../workers/telemetry/src/index";
import { ADMIN, api, deploy, json, newTenant, uniqueName, visit } from "./platform";

async function deployed(source: string) {
	const t = await newTenant();
	const name = uniqueName();
	const res = await deploy(t.token, name, source);
	if (res.status !== 200) throw new Error(`deploy failed: ${await res.text()}`);
	return { t, name, deployment: (await json(res)).deployment };
}

const logs = (token: string, name: string, query = "") => api(`/v1/scripts/${name}/logs${query}`, { token });

async function logsOnceThere(token: string, name: string, count: number, query = "") {
	let page: { invocations: Record<string, unknown>[]; cursor: string | null } = { invocations: [], cursor: null };
	await expect
		.poll(async () => {
			page = await json(await logs(token, name, query));
			return page.invocations.length;
		})
		.toBeGreaterThanOrEqual(count);
	return page;
}

const scriptIdOf = async (name: string) =>
	(await env.DB.prepare("SELECT id FROM scripts WHERE name = ?").bind(name).first<{ id: string }>())!.id;
const storeOf = async (name: string) => {
	const namespace = (env as unknown as TelemetryEnv).SCRIPT_TELEMETRY;
	return namespace.get(namespace.idFromName(await scriptIdOf(name)));
};

/** A record as the collector hands it to the store, for tests that need many at once. */
const fakeRecord = (deployment: string, path: string, logs: { level: "log"; message: string; time: string }[] = []) => ({
	time: new Date().toISOString(),
	script: "x",
	deployment_id: deployment,
	request_id: null,
	event: "fetch" as const,
	method: "GET",
	path,
	cron: null,
	status: 200,
	outcome: "ok" as const,
	wall_ms: 1,
	cpu_ms: null,
	logs,
	logs_dropped: 0,
	logs_truncated: false,
	exception: null,
});

const LOGGING = `export default {
	async fetch(request) {
		const url = new URL(request.url);
		console.log("hello", { path: url.pathname });
		console.warn("careful");
		if (url.pathname === "/throw") throw new TypeError("it broke");
		if (url.pathname === "/big") for (let i = 0; i < 500; i++) console.log("x".repeat(10_000));
		return new Response("ok", { status: url.pathname === "/missing" ? 404 : 200 });
	},
};`;

describe("invocation records", () => {
	it("records each request with its id, status, outcome, console lines and the tenant's exception", async () => {
		const { t, name, deployment } = await deployed(LOGGING);
		const ok = await visit(`${name}.localhost`, "/hi?x=1", { method: "POST", body: "b" });
		expect(ok.status).toBe(200);
		// An invocation ends (and its trace is sent) once its response has been read.
		expect(await ok.text()).toBe("ok");
		const thrown = await visit(`${name}.localhost`, "/throw");
		expect(thrown.status).toBe(500);
		const requestId = thrown.headers.get("x-ferry-request-id");
		expect(await thrown.text()).toContain(requestId!);

		const page = await logsOnceThere(t.token, name, 2);
		const [failed, served] = page.invocations;
		expect(failed).toMatchObject({
			script: name,
			deployment_id: deployment.id,
			request_id: requestId,
			event: "fetch",
			method: "GET",
			path: "/throw",
			status: 500,
			outcome: "exception",
			exception: { name: "TypeError", message: "it broke" },
		});
		expect((failed!.exception as { stack: string }).stack).toContain("index.js:6");
		expect(served).toMatchObject({ method: "POST", path: "/hi?x=1", status: 200, outcome: "ok", exception: null, cpu_ms: null });
		expect(served!.logs).toMatchObject([
			{ level: "log", message: 'hello {"path":"/hi"}' },
			{ level: "warn", message: "careful" },
		]);
		expect(served!.wall_ms).toEqual(expect.any(Number));
		expect(served!.request_id).toMatch(/^[0-9a-z]{16}$/);
		expect(served!.request_id).not.toBe(requestId);
	});

	it("truncates a flood of console output and counts what it dropped", async () => {
		const { t, name } = await deployed(LOGGING);
		expect(await (await visit(`${name}.localhost`, "/big")).text()).toBe("ok");
		const [record] = (await logsOnceThere(t.token, name, 1)).invocations;
		const lines = record!.logs as { message: string; truncated?: boolean }[];
		expect(lines.length).toBeLessThanOrEqual(100);
		expect(lines.reduce((sum, line) => sum + line.message.length, 0)).toBeLessThanOrEqual(32 * 1024);
		expect(lines[2]).toMatchObject({ truncated: true });
		// 502 lines of ~10 KB: the runtime's own trace cap already took most; what reached us past ours is counted.
		expect(record!.logs_dropped).toBeGreaterThan(0);
		expect(record!.logs_truncated).toBe(true);
	});

	it("never records the platform's own log lines in a tenant's logs", async () => {
		// A denied subrequest makes the egress gate (the dispatcher's code) log; the tenant's record has only its own line.
		const { t, name } = await deployed(
			`export default { async fetch() { const r = await fetch("https://api.example.com/"); console.log("got", r.status); return new Response("x"); } };`,
		);
		expect(await (await visit(`${name}.localhost`)).text()).toBe("x");
		const [record] = (await logsOnceThere(t.token, name, 1)).invocations;
		expect(record!.logs).toMatchObject([{ level: "log", message: "got 403" }]);
	});
});

describe("GET /v1/scripts/:name/logs", () => {
	it("filters by status, level, deployment, text and time, and pages with a cursor", async () => {
		const { t, name, deployment } = await deployed(LOGGING);
		for (const path of ["/a", "/missing", "/throw", "/b", "/c"]) await (await visit(`${name}.localhost`, path)).text();
		await logsOnceThere(t.token, name, 5);
		const paths = async (query: string) =>
			(await json(await logs(t.token, name, query))).invocations.map((record: { path: string }) => record.path);
		expect(await paths("?status=error")).toEqual(["/throw"]);
		expect(await paths("?status=4xx")).toEqual(["/missing"]);
		expect(await paths("?status=404")).toEqual(["/missing"]);
		expect(await paths("?status=ok")).toEqual(["/c", "/b", "/missing", "/a"]);
		expect(await paths("?level=error")).toEqual(["/throw"]);
		expect(await paths("?q=BROKE")).toEqual(["/throw"]);
		expect(await paths(`?deployment=${deployment.id}&limit=2`)).toEqual(["/c", "/b"]);
		expect(await paths("?deployment=zzzzzzzzzz")).toEqual([]);
		expect(await paths("?since=1h")).toHaveLength(5);
		expect(await paths(`?until=${new Date(Date.now() - 3_600_000).toISOString()}`)).toEqual([]);

		const first = await json(await logs(t.token, name, "?limit=2"));
		expect(first.invocations.map((r: { path: string }) => r.path)).toEqual(["/c", "/b"]);
		const second = await json(await logs(t.token, name, `?limit=2&cursor=${first.cursor}`));
		expect(second.invocations.map((r: { path: string }) => r.path)).toEqual(["/throw", "/missing"]);
		const last = await json(await logs(t.token, name, `?limit=2&cursor=${second.cursor}`));
		expect(last.invocations.map((r: { path: string }) => r.path)).toEqual(["/a"]);
		expect(last.cursor).toBeNull();
	});

	it("orders by when invocations started, whatever order their traces arrived in", async () => {
		const { t, name, deployment } = await deployed(LOGGING);
		const store = await storeOf(name);
		const at = (path: string, ms: number) => ({ ...fakeRecord(deployment.id, path), time: new Date(ms).toISOString() });
		const now = Date.now();
		await store.append([at("/second", now - 1_000), at("/third", now - 500)]);
		await store.append([at("/first", now - 2_000)]);
		const first = await json(await logs(t.token, name, "?limit=2"));
		expect(first.invocations.map((r: { path: string }) => r.path)).toEqual(["/third", "/second"]);
		const rest = await json(await logs(t.token, name, `?limit=2&cursor=${first.cursor}`));
		expect(rest.invocations.map((r: { path: string }) => r.path)).toEqual(["/first"]);
	});

	it("answers 400 naming the bad parameter", async () => {
		const { t, name } = await deployed(LOGGING);
		for (const [query, parameter] of [
			["?since=yesterday", "since"],
			["?until=12", "until"],
			["?level=loud", "level"],
			["?status=6xx", "status"],
			["?cursor=nope", "cursor"],
			["?limit=0", "limit"],
			["?deployment=NOPE!", "deployment"],
			["?colour=red", "colour"],
		]) {
			const res = await logs(t.token, name, query);
			expect(res.status, query).toBe(400);
			const body = await json(res);
			expect(body.error.code).toBe("invalid_request");
			expect(body.error.message, query).toContain(parameter);
		}
	});

	it("answers another tenant's script exactly like a missing one", async () => {
		const { name } = await deployed(LOGGING);
		const other = await newTenant();
		const theirs = await logs(other.token, name);
		const missing = await logs(other.token, uniqueName());
		expect(theirs.status).toBe(404);
		expect(missing.status).toBe(404);
		expect((await json(theirs)).error.code).toBe("not_found");
	});
});

describe("production: the namespace scripts' tail consumer", () => {
	it("files a trace under the script its tags name, and skips a trace without Ferry's tags", async () => {
		const { t, name, deployment } = await deployed(LOGGING);
		const scriptId = (await env.DB.prepare("SELECT id FROM scripts WHERE name = ?").bind(name).first<{ id: string }>())!.id;
		const trace = (tags: string[]) =>
			({
				scriptName: deployment.id,
				scriptTags: tags,
				eventTimestamp: Date.now() - 40,
				event: {
					request: { method: "GET", url: `https://${name}.example.net/p`, headers: { "cf-ray": "8f0c0ffee0c0ffee-DFW" } },
					response: { status: 201 },
				},
				logs: [{ timestamp: Date.now() - 30, level: "info", message: ["from production"] }],
				exceptions: [],
				outcome: "ok",
				truncated: false,
				wallTime: 12,
				cpuTime: 3,
			}) as unknown as TraceItem;
		await telemetryWorker.tail!(
			[trace(["ferry", `tenant-${t.id}`, `script-${scriptId}`, `name-${name}`, `deployment-${deployment.id}`]), trace(["someone-else"])],
			env as unknown as TelemetryEnv,
		);
		const { invocations } = await json(await logs(t.token, name));
		expect(invocations).toEqual([
			expect.objectContaining({
				request_id: "8f0c0ffee0c0ffee-DFW",
				path: "/p",
				status: 201,
				wall_ms: 12,
				cpu_ms: 3,
				logs: [expect.objectContaining({ level: "info", message: "from production" })],
			}),
		]);
	});
});

/** A live tail, read as events; `next(kind)` waits for the next event of that kind. */
async function openTail(token: string, name: string, query = "") {
	const res = await api(`/v1/scripts/${name}/tail${query}`, { token });
	if (res.status !== 200) throw new Error(`tail: ${res.status} ${await res.text()}`);
	expect(res.headers.get("content-type")).toContain("text/event-stream");
	const events = readEvents(res.body!);
	const next = async (kind: string) => {
		for (;;) {
			const { value, done } = await events.next();
			if (done) throw new Error("the tail ended");
			if (value.event === kind) return JSON.parse(value.data);
		}
	};
	await next("ready");
	return { next, close: () => events.return(undefined) };
}

describe("GET /v1/scripts/:name/tail", () => {
	it("streams each matching invocation to every tail open on the script, as it happens", async () => {
		const { t, name } = await deployed(LOGGING);
		const all = await openTail(t.token, name);
		const errors = await openTail(t.token, name, "?status=error");
		await (await visit(`${name}.localhost`, "/a")).text();
		await (await visit(`${name}.localhost`, "/throw")).text();
		expect(await all.next("invocation")).toMatchObject({ path: "/a", status: 200, logs: [{ message: 'hello {"path":"/a"}' }, {}] });
		expect(await all.next("invocation")).toMatchObject({ path: "/throw", exception: { name: "TypeError" } });
		const failed = await errors.next("invocation");
		expect(failed).toMatchObject({ path: "/throw", outcome: "exception" });
		// The same record as the logs: its id is a logs cursor.
		expect((await json(await logs(t.token, name))).invocations[0].id).toBe(failed.id);

		const store = await storeOf(name);
		expect(await store.openTails()).toBe(2);
		await all.close();
		await errors.close();
		await expect.poll(() => store.openTails()).toBe(0);
	});

	it("skips past its rate and says how many, and samples when asked", async () => {
		const { t, name, deployment } = await deployed(LOGGING);
		const tail = await openTail(t.token, name);
		const store = await storeOf(name);
		await store.append(Array.from({ length: 120 }, (_, i) => fakeRecord(deployment.id, `/r${i}`)));
		for (let i = 0; i < 50; i++) expect(await tail.next("invocation")).toMatchObject({ path: `/r${i}` });
		expect(await tail.next("skipped")).toEqual({ count: 70, reason: "rate" });
		await tail.close();

		const sampled = await openTail(t.token, name, "?sampling=0.000001&q=/s");
		await store.append(Array.from({ length: 40 }, () => fakeRecord(deployment.id, "/s")));
		await store.append([fakeRecord(deployment.id, "/other")]);
		expect(await sampled.next("skipped")).toEqual({ count: 40, reason: "sampling" });
		await sampled.close();
	});

	it("drops a client that never reads, and never holds more than its buffer for it", async () => {
		const { t, name, deployment } = await deployed(LOGGING);
		const res = await api(`/v1/scripts/${name}/tail`, { token: t.token });
		expect(res.status).toBe(200);
		const store = await storeOf(name);
		expect(await store.openTails()).toBe(1);
		const line = { level: "log" as const, time: new Date().toISOString(), message: "y".repeat(4_000) };
		const big = Array.from({ length: 8 }, () => line);
		// 50 records of ~32 KB a second reach a tail: its 1 MiB buffer is full within a second or two.
		await expect
			.poll(
				async () => {
					await store.append(Array.from({ length: 50 }, (_, i) => fakeRecord(deployment.id, `/big${i}`, big)));
					return store.openTails();
				},
				{ timeout: 20_000, interval: 200 },
			)
			.toBe(0);
		// The store kept taking records all along.
		expect((await json(await logs(t.token, name, "?limit=1"))).invocations).toHaveLength(1);
		await res.body?.cancel().catch(() => {});
	});

	it("refuses more tails than a script may have open", async () => {
		const { t, name } = await deployed(LOGGING);
		const open = await Promise.all(Array.from({ length: 10 }, () => openTail(t.token, name)));
		const refused = await api(`/v1/scripts/${name}/tail`, { token: t.token });
		expect(refused.status).toBe(429);
		expect((await json(refused)).error.code).toBe("too_many_requests");
		await Promise.all(open.map((tail) => tail.close()));
		const store = await storeOf(name);
		await expect.poll(() => store.openTails()).toBe(0);
	});

	it("answers another tenant's script like a missing one, and a bad filter with 400 naming it", async () => {
		const { t, name } = await deployed(LOGGING);
		const other = await newTenant();
		expect((await api(`/v1/scripts/${name}/tail`, { token: other.token })).status).toBe(404);
		expect((await api(`/v1/scripts/${uniqueName()}/tail`, { token: other.token })).status).toBe(404);
		for (const [query, parameter] of [
			["?sampling=0", "sampling"],
			["?sampling=2", "sampling"],
			["?sampling=half", "sampling"],
			["?status=6xx", "status"],
			["?since=1h", "since"],
			["?cursor=c1", "cursor"],
		]) {
			const res = await api(`/v1/scripts/${name}/tail${query}`, { token: t.token });
			expect(res.status, query).toBe(400);
			expect((await json(res)).error.message, query).toContain(parameter);
		}
	});
});

describe("GET /v1/scripts/:name/metrics", () => {
	const metrics = (token: string, name: string, query = "") => api(`/v1/scripts/${name}/metrics${query}`, { token });

	it("counts requests, errors and status classes per step, overall and per deployment", async () => {
		const { t, name, deployment } = await deployed(LOGGING);
		for (const path of ["/a", "/missing", "/throw"]) await (await visit(`${name}.localhost`, path)).text();
		const second = (await json(await deploy(t.token, name, LOGGING.replace("careful", "careful v2")))).deployment;
		await (await visit(`${name}.localhost`, "/b")).text();
		type Point = { requests: number; errors: number; status: Record<string, number>; wall_ms: unknown; cpu_ms: unknown };
		let body: { step: string; points: Point[]; deployments: { deployment_id: string; points: Point[] }[] } = {
			step: "",
			points: [],
			deployments: [],
		};
		await expect
			.poll(async () => {
				body = await json(await metrics(t.token, name, "?since=10m&step=5m"));
				return body.points.reduce((sum, point) => sum + point.requests, 0);
			})
			.toBe(4);
		expect(body.step).toBe("5m");
		expect(body.points.length).toBeGreaterThanOrEqual(2);
		const total = (key: string, series = body.points) =>
			series.reduce((sum, point) => sum + (key.includes("xx") ? point.status[key]! : (point[key as "requests" | "errors"] ?? 0)), 0);
		expect(total("errors")).toBe(1);
		expect(total("2xx")).toBe(2);
		expect(total("4xx")).toBe(1);
		expect(total("5xx")).toBe(1);
		const busy = body.points.find((point) => point.requests > 0)!;
		expect(busy.wall_ms).toEqual({ p50: expect.any(Number), p95: expect.any(Number), p99: expect.any(Number) });
		expect(busy.cpu_ms).toBeNull();
		expect(body.points.find((point) => point.requests === 0)?.wall_ms ?? null).toBeNull();
		expect(body.deployments.map((series) => series.deployment_id)).toEqual([deployment.id, second.id]);
		expect(total("requests", body.deployments[0]!.points)).toBe(3);
		expect(total("errors", body.deployments[1]!.points)).toBe(0);

		const only = await json(await metrics(t.token, name, `?since=10m&deployment=${second.id}`));
		expect(only.step).toBe("1m");
		expect(only.deployments).toHaveLength(1);
		expect(total("requests", only.points)).toBe(1);
	});

	it("reads percentiles of wall and CPU time from the minutes' histograms", async () => {
		const { t, name, deployment } = await deployed(LOGGING);
		const store = await storeOf(name);
		// One hour-long step from the start of the records' hour: a query in the first minutes of an hour
		// (`since=5m`) would split them across two steps.
		const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000).toISOString();
		await store.append(
			Array.from({ length: 100 }, (_, i) => ({ ...fakeRecord(deployment.id, "/p"), wall_ms: i + 1, cpu_ms: (i + 1) / 10 })),
		);
		const body = await json(await metrics(t.token, name, `?since=${hour}&step=1h`));
		const point = body.points.find((p: { requests: number }) => p.requests > 0);
		expect(point.requests).toBe(100);
		for (const [value, exact] of [
			[point.wall_ms.p50, 50],
			[point.wall_ms.p95, 95],
			[point.wall_ms.p99, 99],
			[point.cpu_ms.p50, 5],
			[point.cpu_ms.p99, 9.9],
		]) {
			expect(value / exact).toBeGreaterThanOrEqual(0.999);
			expect(value / exact).toBeLessThanOrEqual(1.091);
		}
	});

	it("answers 400 naming a bad parameter, and another tenant's script like a missing one", async () => {
		const { t, name } = await deployed(LOGGING);
		for (const [query, parameter] of [
			["?step=2m", "step"],
			["?since=7d&step=1m", "step"],
			["?since=soon", "since"],
			["?since=1h&until=2h", "since"],
			["?deployment=NO!", "deployment"],
			["?limit=3", "limit"],
		]) {
			const res = await metrics(t.token, name, query);
			expect(res.status, query).toBe(400);
			expect((await json(res)).error.message, query).toContain(parameter);
		}
		const other = await newTenant();
		expect((await metrics(other.token, name)).status).toBe(404);
	});
});

describe("GET /v1/metrics", () => {
	it("gives each of the tenant's scripts its requests and errors in the range, in one answer, and no other tenant's", async () => {
		const { t, name, deployment } = await deployed(LOGGING);
		const quiet = uniqueName();
		expect((await deploy(t.token, quiet, LOGGING)).status).toBe(200);
		const store = await storeOf(name);
		const old = { ...fakeRecord(deployment.id, "/old"), time: new Date(Date.now() - 3 * 86_400_000).toISOString() };
		await store.append([fakeRecord(deployment.id, "/a"), { ...fakeRecord(deployment.id, "/b"), outcome: "exception" as const }, old]);
		const other = await deployed(LOGGING);
		await (await visit(`${other.name}.localhost`, "/x")).text();

		const day = await json(await api("/v1/metrics", { token: t.token }));
		expect(day.scripts).toEqual(
			[
				{ script: name, requests: 2, errors: 1 },
				{ script: quiet, requests: 0, errors: 0 },
			].sort((a, b) => a.script.localeCompare(b.script)),
		);
		expect(Date.parse(day.until) - Date.parse(day.since)).toBeGreaterThanOrEqual(86_400_000);
		expect(Date.parse(day.until) - Date.parse(day.since)).toBeLessThan(86_400_000 + 60_000);
		const week = await json(await api("/v1/metrics?since=7d", { token: t.token }));
		expect(week.scripts.find((line: { script: string }) => line.script === name)).toEqual({ script: name, requests: 3, errors: 1 });

		for (const [query, parameter] of [
			["?since=soon", "since"],
			["?since=1h&until=2h", "since"],
			["?step=1m", "step"],
		]) {
			const res = await api(`/v1/metrics${query}`, { token: t.token });
			expect(res.status, query).toBe(400);
			expect((await json(res)).error.message, query).toContain(parameter);
		}
		expect((await api("/v1/metrics")).status).toBe(401);
		expect((await api("/v1/metrics", { token: ADMIN })).status).toBe(401);
	});
});

describe("GET /v1/usage", () => {
	it("gives each of the tenant's scripts its month's requests, CPU and wall time, and the totals; the operator sees every tenant", async () => {
		const { t, name, deployment } = await deployed(LOGGING);
		const store = await storeOf(name);
		await store.append([
			{ ...fakeRecord(deployment.id, "/u"), wall_ms: 10, cpu_ms: 2 },
			{ ...fakeRecord(deployment.id, "/u"), wall_ms: 30, cpu_ms: 4 },
		]);
		const other = await deployed(LOGGING);
		await (await visit(`${other.name}.localhost`, "/x")).text();

		const mine = await json(await api("/v1/usage", { token: t.token }));
		expect(mine.month).toBe(new Date().toISOString().slice(0, 7));
		expect(mine.scripts).toEqual([{ script: name, deleted_at: null, requests: 2, cpu_ms: 6, wall_ms: 40 }]);
		expect(mine.totals).toEqual({ requests: 2, cpu_ms: 6, wall_ms: 40 });
		expect(mine.tenant.id).toBe(t.id);

		const past = await json(await api("/v1/usage?month=2020-01", { token: t.token }));
		expect(past.scripts).toEqual([]);

		await expect
			.poll(async () => {
				const all = await json(await api("/v1/usage", { token: ADMIN }));
				const theirs = all.tenants.find((entry: { tenant: { id: string } }) => entry.tenant.id === other.t.id);
				return theirs?.totals.requests;
			})
			.toBe(1);
		const all = await json(await api("/v1/usage", { token: ADMIN }));
		expect(all.tenants.find((entry: { tenant: { id: string } }) => entry.tenant.id === t.id).scripts[0]).toMatchObject({ requests: 2 });
		expect(all.totals.requests).toBeGreaterThanOrEqual(3);
	});

	it("answers 400 naming a bad month and 401 without a token", async () => {
		const t = await newTenant();
		for (const month of ["2026-13", "26-01", "now"]) {
			const res = await api(`/v1/usage?month=${month}`, { token: t.token });
			expect(res.status, month).toBe(400);
			expect((await json(res)).error.message).toContain("month");
		}
		expect((await api("/v1/usage")).status).toBe(401);
	});
});
