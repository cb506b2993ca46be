/**
 * `npm run dev` itself, on a state directory as a user's first start has it (nothing built or
 * migrated yet): the ready file it writes for programs that start it, and what it says when its port
 * is taken.
 */
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loopbackFetch } from "../../loopback/index.ts";
import { type DevServer, runDev, startDevServer } from "./dev-server.ts";

let dev: DevServer;

beforeAll(async () => {
	dev = await startDevServer({ adminToken: "e2e-dev-admin-token", unseeded: true });
});

afterAll(() => dev?.stop());

it("writes a ready file naming the port it chose, once the API answers", async () => {
	const ready = JSON.parse(readFileSync(dev.readyFile, "utf8"));
	expect(ready).toEqual({
		pid: expect.any(Number),
		port: dev.port,
		api: `http://api.localhost:${dev.port}`,
		tenantDomain: "localhost",
		readyMs: expect.any(Number),
	});
	expect(dev.port).toBeGreaterThan(0);
	expect((await loopbackFetch(`${ready.api}/`)).status).toBe(200);
	// The banner says where another port is chosen, and what the CLI then needs.
	expect(dev.output()).toContain(
		`Port          ${dev.port} (another: npm run dev -- --port N; then ferry login --api-url http://api.localhost:N)`,
	);
});

it("says in one line that its port is taken, naming the port and --port", async () => {
	// A second platform on the first one's port (and state, already migrated: it fails fast).
	const second = runDev(["--port", String(dev.port), "--state", dev.stateDir], { FERRY_ADMIN_TOKEN: "e2e-dev-admin-token" });
	expect(await second.exited).toBe(1);
	const lines = second
		.output()
		.trim()
		.split("\n")
		.filter((line) => !line.startsWith(">") && line.trim() !== "");
	expect(lines).toEqual([
		`✘ port ${dev.port} is in use (another npm run dev?): stop what listens there, or pick another port with --port, e.g. npm run dev -- --port ${dev.port + 1} (then ferry login --api-url http://api.localhost:${dev.port + 1})`,
	]);
});

it("takes its ready file back when it stops", async () => {
	expect(existsSync(dev.readyFile)).toBe(true);
	await dev.stop();
	expect(existsSync(dev.readyFile)).toBe(false);
});
