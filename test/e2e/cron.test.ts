/**
 * Cron triggers on the local platform as `npm run dev` starts it, without the test clock
 * (docs/cron.md): the minute tick runs the current minute's crons through the runtime process that
 * serves the script, and a tick for any other minute is refused, so only tests (started with the
 * test clock) can move time. No test waits for a real minute.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type LocalPlatform, startLocalPlatform } from "../../local/platform.ts";
import { loopbackFetch } from "../../loopback/index.ts";
import { startOfMinute } from "../../workers/shared/schedules/cron.ts";
import { seedStateDir } from "../support/state-template.ts";

const ADMIN = "e2e-cron-admin-token";
let platform: LocalPlatform;
let stateDir: string;

beforeAll(async () => {
	stateDir = mkdtempSync(path.join(tmpdir(), "ferry-e2e-cron-"));
	seedStateDir(stateDir);
	platform = await startLocalPlatform({ port: 0, stateDir, adminToken: ADMIN, health: false, onEvent: () => undefined });
});

afterAll(async () => {
	await platform?.stop();
	if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

it("runs the current minute's crons on the live deployment, and refuses to run any other minute", async () => {
	const created = await loopbackFetch(`${platform.apiUrl}/v1/tenants`, {
		method: "POST",
		headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
		body: JSON.stringify({ name: "e2e-cron" }),
	});
	const token = ((await created.json()) as { token: { token: string } }).token.token;
	const form = new FormData();
	form.set("metadata", JSON.stringify({ main_module: "w.js", compatibility_date: "2026-11-01", schedules: [{ cron: "* * * * *" }] }));
	form.set(
		"w.js",
		new File(["export default { fetch: () => new Response('hi'), scheduled(c) { console.log(c.cron); } };"], "w.js", {
			type: "application/javascript+module",
		}),
	);
	const deployed = await loopbackFetch(`${platform.apiUrl}/v1/scripts/ticker`, {
		method: "PUT",
		headers: { authorization: `Bearer ${token}` },
		body: form,
	});
	expect(deployed.status).toBe(200);
	const deploymentId = ((await deployed.json()) as { deployment: { id: string } }).deployment.id;

	const now = Date.now();
	const runs = await platform.runMinute(now);
	expect(runs.filter((run) => run.deploymentId === deploymentId)).toMatchObject([
		{ cron: "* * * * *", outcome: "ok", scheduledTime: startOfMinute(now) },
	]);
	const listed = await loopbackFetch(`${platform.apiUrl}/v1/scripts/ticker/schedules`, { headers: { authorization: `Bearer ${token}` } });
	expect(((await listed.json()) as { schedules: { last_run: { at: string } }[] }).schedules[0]!.last_run.at).toBe(
		new Date(startOfMinute(now)).toISOString(),
	);

	// Without the test clock, time is the machine's: a tick for an hour ago is refused.
	await expect(platform.runMinute(now - 3_600_000)).rejects.toThrow(/403/);
});
