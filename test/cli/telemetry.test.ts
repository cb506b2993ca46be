/**
 * What a tenant sees of its code running, through the real platform's processes: a runtime process's
 * tail consumer sends each invocation to the telemetry Worker in the control process; `ferry logs`
 * reads them back.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Cli, newTenant, platform, scriptUrl, uniqueName, uploadDirect, visit } from "./support.ts";

let cli: Cli;
let token: string;
beforeAll(async () => {
	({ cli, token } = await newTenant("watcher"));
});

const SOURCE = `export default {
	async fetch(request) {
		const { pathname } = new URL(request.url);
		console.log("serving", pathname);
		if (pathname === "/fail") throw new RangeError("out of range");
		return new Response("fine");
	},
};`;

describe("ferry logs", () => {
	it("prints each invocation with its status, path and console lines, and the exception with the 500 page's request id", async () => {
		const name = uniqueName("logs");
		await uploadDirect(token, name, "", SOURCE);
		expect((await visit(`${scriptUrl(name)}ok`)).text).toBe("fine");
		const failed = await visit(`${scriptUrl(name)}fail`);
		expect(failed.status).toBe(500);
		const requestId = /Request id: <code>([^<]+)<\/code>/.exec(failed.text)?.[1];
		expect(requestId).toBeDefined();

		let invocations: { path: string; request_id: string; exception: { name: string } | null }[] = [];
		await expect
			.poll(async () => {
				({ invocations } = await cli.json(["logs", name]));
				return invocations.length;
			})
			.toBe(2);
		expect(invocations[0]).toMatchObject({ path: "/fail", request_id: requestId, exception: { name: "RangeError" } });

		const text = await cli.ok(["logs", name]);
		expect(text).toMatch(/200 {2}GET \/ok {2}[\d.]+ ms\n {4}log {3}serving \/ok\n/);
		expect(text).toMatch(/500 {2}GET \/fail {2}[\d.]+ ms {2}exception\n {4}log {3}serving \/fail\n {4}✘ RangeError: out of range/);
		expect(await cli.ok(["logs", name, "--status", "error"])).not.toContain("/ok");
		expect(await cli.ok(["logs", name, "--search", "nothing-like-this"])).toBe(`No invocations of ${name} match.\n`);
	});

	it("says in one line which flag the API refused", async () => {
		const name = uniqueName("logs-bad");
		await uploadDirect(token, name, "x");
		const bad = await cli.run(["logs", name, "--since", "yesterday"]);
		expect(bad.code).toBe(1);
		expect(bad.stderr).toContain("invalid_request");
		expect(bad.stderr).toContain("since");
		expect(bad.stderr.trim().split("\n")).toHaveLength(1);
	});
});

/** Runs `ferry argv` until its output shows `until` (then Ctrl-C), requesting `paths` of the script over and over meanwhile. */
async function tailWhileVisiting(argv: string[], until: string, urls: string[]) {
	let done = false;
	const run = cli.run(argv, { interruptOn: until }).finally(() => {
		done = true;
	});
	// The tail starts listening a moment after the command starts: ask until a request is seen.
	while (!done) for (const url of urls) if (!done) await visit(url);
	return run;
}

describe("ferry tail", () => {
	it("prints each invocation as it is answered, with its console lines, until Ctrl-C", async () => {
		const name = uniqueName("tail");
		await uploadDirect(token, name, "", SOURCE);
		const result = await tailWhileVisiting(["tail", name], "serving /live", [`${scriptUrl(name)}live`]);
		expect(result.code).toBe(0);
		expect(result.stderr).toContain(`tailing ${name}`);
		expect(result.stderr).not.toContain("✘");
		expect(result.stdout).toMatch(/200 {2}GET \/live {2}[\d.]+ ms\n {4}log {3}serving \/live\n/);
	});

	it("filters by status and prints JSON lines with --format json", async () => {
		const name = uniqueName("tail-json");
		await uploadDirect(token, name, "", SOURCE);
		const result = await tailWhileVisiting(["tail", name, "--status", "error", "--search", "FAIL", "--format", "json"], '"RangeError"', [
			`${scriptUrl(name)}ok`,
			`${scriptUrl(name)}fail`,
		]);
		expect(result.code).toBe(0);
		const records = result.stdout
			.trim()
			.split("\n")
			.map((line) => JSON.parse(line) as { path: string; status: number });
		expect(records.length).toBeGreaterThan(0);
		for (const record of records) expect(record).toMatchObject({ path: "/fail", status: 500 });
	});

	it("says in one line which flag the API refused, and that another tenant's script is not found", async () => {
		const name = uniqueName("tail-bad");
		await uploadDirect(token, name, "x");
		const bad = await cli.run(["tail", name, "--sampling", "2"]);
		expect(bad.code).toBe(1);
		expect(bad.stderr).toContain("sampling");
		expect(bad.stderr.trim().split("\n")).toHaveLength(1);
		const { cli: other } = await newTenant("other");
		const theirs = await other.run(["tail", name]);
		expect(theirs.code).toBe(1);
		expect(theirs.stderr).toContain("not_found");
	});
});

describe("ferry metrics and ferry usage", () => {
	it("prints a table per step with sparklines, and the month's usage per script", async () => {
		const name = uniqueName("metrics");
		await uploadDirect(token, name, "", SOURCE);
		for (const path of ["ok", "ok", "fail"]) await visit(`${scriptUrl(name)}${path}`);
		await expect
			.poll(async () => {
				const metrics = await cli.json(["metrics", name]);
				return metrics.points.reduce((sum: number, point: { requests: number }) => sum + point.requests, 0);
			})
			.toBe(3);
		const text = await cli.ok(["metrics", name, "--since", "10m", "--step", "1m"]);
		expect(text).toMatch(/time +requests +errors +2xx +3xx +4xx +5xx +p50 +p95 +p99 +cpu p99\n/);
		expect(text).toMatch(/ {2}requests {2}[▁-█]{10,11}\n/);
		expect(text).toMatch(/ {2}errors {4}[▁-█]+\n/);

		const usage = await cli.json(["usage"]);
		expect(usage.scripts).toContainEqual(expect.objectContaining({ script: name, requests: 3 }));
		expect(await cli.ok(["usage"])).toMatch(new RegExp(`${name} +3 +`));
		const all = await new Cli({ FERRY_ADMIN_TOKEN: platform().adminToken }).json(["usage", "--all"]);
		expect(all.tenants.length).toBeGreaterThan(0);
		const bad = await cli.run(["usage", "--month", "2026-13"]);
		expect(bad.code).toBe(1);
		expect(bad.stderr).toContain("month");
	});
});
