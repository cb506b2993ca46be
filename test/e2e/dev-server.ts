/**
 * `npm run dev` in its own process, started the way a user starts it, with a fresh state directory
 * (seeded with the run's built Workers and migrated D1, test/support/state-template.ts, unless
 * `unseeded`) and `--port 0` (the OS picks a free port; nothing can take it between choosing and listening).
 * Ready when it writes its --ready-file (local/dev.ts), which also names the port. Its output is
 * kept: with `verbose`, it holds the platform's and tenants' logs.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { expect } from "vitest";
import type { ReadyFile } from "../../local/dev.ts";
import { ROOT } from "../../local/paths.ts";
import { loopbackFetch } from "../../loopback/index.ts";
import { seedStateDir } from "../support/state-template.ts";

export interface DevServer {
	port: number;
	/** The API's base URL, e.g. http://api.localhost:18123 */
	api: string;
	/** Where tenant scripts answer: `<script>.<tenantDomain>:<port>`. */
	tenantDomain: string;
	/** The URL of a tenant hostname label, e.g. `hello` → http://hello.localhost:18123/ */
	at(label: string): string;
	/** Where its ready file is (gone once it stopped). */
	readyFile: string;
	stateDir: string;
	/** Everything the process printed so far. */
	output(): string;
	/** SIGTERM to the process group: a clean stop (Ctrl-C). */
	stop(): Promise<void>;
	/** SIGKILL to the process group: npm, node and workerd die where they are, as in a crash. */
	kill(): Promise<void>;
}

export interface DevRun {
	process: ChildProcess;
	output(): string;
	/** Resolves with the exit code once the process has exited. */
	exited: Promise<number | null>;
	/** The exit code, or undefined while it runs. */
	exitCode(): number | null | undefined;
}

/**
 * Spawns `npm run dev -- …args` in its own process group (npm, its shell, node and workerd stop with
 * one signal). With `logFile`, what it prints is appended there too (for readers in other processes).
 */
export function runDev(args: string[], env: Record<string, string> = {}, logFile?: string): DevRun {
	const dev = spawn("npm", ["run", "dev", "--", ...args], {
		cwd: ROOT,
		env: { ...process.env, ...env },
		stdio: ["ignore", "pipe", "pipe"],
		detached: true,
	});
	let output = "";
	let code: number | null | undefined;
	const onOutput = (chunk: Buffer) => {
		output += chunk;
		if (logFile) appendFileSync(logFile, chunk);
	};
	dev.stdout!.on("data", onOutput);
	dev.stderr!.on("data", onOutput);
	const exited = new Promise<number | null>((resolve) =>
		dev.once("exit", (exitCode) => {
			code = exitCode;
			resolve(exitCode);
		}),
	);
	return { process: dev, output: () => output, exited, exitCode: () => code };
}

export async function startDevServer({
	adminToken,
	verbose = false,
	stateDir,
	args = [],
	env = {},
	logFile,
	unseeded = false,
}: {
	adminToken: string;
	verbose?: boolean;
	/** Default: a fresh one, removed on stop. A new or empty one is seeded (test/support/state-template.ts). */
	stateDir?: string;
	/** A state directory as a user's first start has it: nothing built, nothing migrated. */
	unseeded?: boolean;
	/** More flags for `npm run dev` (--runtimes, --recycle-after, --wall-clock-limit). */
	args?: string[];
	/** More environment for `npm run dev` (e.g. FERRY_TEST_DEPLOY_HOLD). */
	env?: Record<string, string>;
	/** A file that gets everything the process prints, as it prints it (./global-setup.ts). */
	logFile?: string;
}): Promise<DevServer> {
	const dir = mkdtempSync(path.join(tmpdir(), "ferry-e2e-"));
	const state = stateDir ?? path.join(dir, "state");
	const readyFile = path.join(dir, "ready.json");
	if (!unseeded) seedStateDir(state);
	const flags = ["--port", "0", "--state", state, "--ready-file", readyFile, ...(verbose ? ["--verbose"] : []), ...args];
	const dev = runDev(flags, { ...env, FERRY_ADMIN_TOKEN: adminToken }, logFile);
	// A plain poll rather than vi.waitFor: a project's globalSetup (outside any test) starts one too.
	let ready: ReadyFile | undefined;
	for (const deadline = Date.now() + 60_000; !ready; await sleep(50)) {
		// It will never be ready: stop waiting, and say why.
		if (dev.exitCode() !== undefined) throw new Error(`npm run dev exited with ${dev.exitCode()} before it was ready:\n${dev.output()}`);
		try {
			ready = JSON.parse(readFileSync(readyFile, "utf8")) as ReadyFile;
		} catch (error) {
			if (Date.now() > deadline) {
				process.kill(-dev.process.pid!, "SIGKILL");
				throw new Error(`npm run dev was not ready within 60 s (${String(error)}):\n${dev.output()}`);
			}
		}
	}
	const { port } = ready;
	return {
		port,
		api: ready.api,
		tenantDomain: ready.tenantDomain,
		at: (label) => `http://${label}.${ready.tenantDomain}:${port}/`,
		readyFile,
		stateDir: state,
		output: dev.output,
		stop: () => end("SIGTERM"),
		kill: () => end("SIGKILL"),
	};

	async function end(signal: NodeJS.Signals) {
		if (dev.exitCode() === undefined && dev.process.pid) {
			process.kill(-dev.process.pid, signal);
			await dev.exited;
		}
		rmSync(dir, { recursive: true, force: true });
	}
}

/** A new tenant, created with the operator's token: the Authorization header of its first token. */
export async function newTenant(server: Pick<DevServer, "api">, adminToken: string, name: string): Promise<Record<string, string>> {
	const created = await loopbackFetch(`${server.api}/v1/tenants`, {
		method: "POST",
		headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
		body: JSON.stringify({ name }),
	});
	expect(created.status).toBe(201);
	return { authorization: `Bearer ${((await created.json()) as { token: { token: string } }).token.token}` };
}
