/**
 * The local platform as a user runs it: `npm run dev` in its own process, driven over real HTTP on
 * *.localhost (create a tenant → deploy → invoke → redeploy → preview → rollback → delete).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loopbackFetch } from "../../cli/src/api/loopback.ts";
import { ROOT } from "../../local/platform.ts";

const ADMIN = "e2e-admin-token";
const PORT = 18000 + Math.floor(Math.random() * 2000);
const api = `http://api.localhost:${PORT}`;
const at = (label: string) => `http://${label}.localhost:${PORT}/`;
let dev: ChildProcess;
let stateDir: string;

beforeAll(async () => {
	stateDir = mkdtempSync(path.join(tmpdir(), "ferry-e2e-"));
	dev = spawn("npm", ["run", "dev", "--", "--port", String(PORT), "--state", stateDir], {
		cwd: ROOT,
		env: { ...process.env, FERRY_ADMIN_TOKEN: ADMIN },
		stdio: ["ignore", "pipe", "pipe"],
		detached: true,
	});
	let output = "";
	await new Promise<void>((resolve, reject) => {
		const onData = (chunk: Buffer) => {
			output += chunk;
			if (output.includes("Ferry is running")) resolve();
		};
		dev.stdout!.on("data", onData);
		dev.stderr!.on("data", (chunk: Buffer) => (output += chunk));
		dev.once("exit", (code) => reject(new Error(`npm run dev exited with ${code}:\n${output}`)));
	});
});

afterAll(async () => {
	if (dev.exitCode === null && dev.pid) {
		const exited = new Promise((resolve) => dev.once("exit", resolve));
		process.kill(-dev.pid, "SIGTERM");
		await exited;
	}
	rmSync(stateDir, { recursive: true, force: true });
});

function upload(source: string): FormData {
	const form = new FormData();
	form.set("metadata", JSON.stringify({ main_module: "worker.js", compatibility_date: "2026-11-01" }));
	form.set("worker.js", new File([source], "worker.js", { type: "application/javascript+module" }));
	return form;
}

const hello = (text: string) => `export default { fetch: () => new Response(${JSON.stringify(text)}) };`;

it("creates a tenant, deploys, invokes, redeploys, previews, rolls back and deletes over HTTP", async () => {
	const created = await loopbackFetch(`${api}/v1/tenants`, {
		method: "POST",
		headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
		body: JSON.stringify({ name: "e2e" }),
	});
	expect(created.status).toBe(201);
	const token = ((await created.json()) as { token: { token: string } }).token.token;
	const auth = { authorization: `Bearer ${token}` };

	const deploy = async (text: string) => {
		const res = await loopbackFetch(`${api}/v1/scripts/hello`, { method: "PUT", headers: auth, body: upload(hello(text)) });
		expect(res.status).toBe(200);
		return (await res.json()) as { url: string; preview_url: string; deployment: { id: string } };
	};

	const v1 = await deploy("v1");
	expect(v1.url).toBe(at("hello"));
	expect(await (await loopbackFetch(v1.url)).text()).toBe("v1");

	const v2 = await deploy("v2");
	expect(await (await loopbackFetch(at("hello"))).text()).toBe("v2");
	expect(await (await loopbackFetch(v1.preview_url)).text()).toBe("v1");

	const rollback = await loopbackFetch(`${api}/v1/scripts/hello/rollback`, { method: "POST", headers: auth });
	expect(rollback.status).toBe(200);
	expect(await (await loopbackFetch(at("hello"))).text()).toBe("v1");
	expect(await (await loopbackFetch(v2.preview_url)).text()).toBe("v2");

	const deleted = await loopbackFetch(`${api}/v1/scripts/hello`, { method: "DELETE", headers: auth });
	expect(deleted.status).toBe(200);
	expect((await loopbackFetch(at("hello"))).status).toBe(404);
});

it("recovers when a tenant script loops forever (workerd enforces no CPU limit locally)", async () => {
	const created = await loopbackFetch(`${api}/v1/tenants`, {
		method: "POST",
		headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
		body: JSON.stringify({ name: "looper" }),
	});
	const auth = { authorization: `Bearer ${((await created.json()) as { token: { token: string } }).token.token}` };
	const put = (name: string, source: string) =>
		loopbackFetch(`${api}/v1/scripts/${name}`, { method: "PUT", headers: auth, body: upload(source) });
	expect((await put("steady", hello("steady"))).status).toBe(200);
	expect((await put("spin", "export default { fetch() { for (;;) {} } };")).status).toBe(200);

	// The looping request never answers; the watchdog restarts the runtime underneath it.
	await loopbackFetch(at("spin"), { signal: AbortSignal.timeout(15_000) }).catch(() => undefined);
	let answer = "";
	for (let attempt = 0; attempt < 30 && answer !== "steady"; attempt++) {
		answer = await loopbackFetch(at("steady"), { signal: AbortSignal.timeout(2_000) })
			.then((r) => r.text())
			.catch(() => "");
		if (answer !== "steady") await new Promise((r) => setTimeout(r, 500));
	}
	expect(answer).toBe("steady");
}, 60_000);
