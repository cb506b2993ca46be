/**
 * `npm run dev` in its own process, started the way a user starts it, on a random port with a fresh
 * state directory. Its output is kept: with `verbose`, it holds the platform's and tenants' logs.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT } from "../../local/paths.ts";
import { freePort } from "../../local/ports.ts";

export interface DevServer {
	port: number;
	/** The API's base URL, e.g. http://api.localhost:18123 */
	api: string;
	/** The URL of a hostname label, e.g. `hello` → http://hello.localhost:18123/ */
	at(label: string): string;
	/** Everything the process printed so far. */
	output(): string;
	stop(): Promise<void>;
}

export async function startDevServer({ adminToken, verbose = false }: { adminToken: string; verbose?: boolean }): Promise<DevServer> {
	const port = await freePort();
	const stateDir = mkdtempSync(path.join(tmpdir(), "ferry-e2e-"));
	const args = ["run", "dev", "--", "--port", String(port), "--state", stateDir, ...(verbose ? ["--verbose"] : [])];
	const dev = spawn("npm", args, {
		cwd: ROOT,
		env: { ...process.env, FERRY_ADMIN_TOKEN: adminToken },
		stdio: ["ignore", "pipe", "pipe"],
		detached: true,
	});
	let output = "";
	await new Promise<void>((resolve, reject) => {
		dev.stdout!.on("data", (chunk: Buffer) => {
			output += chunk;
			if (output.includes("Ferry is running")) resolve();
		});
		dev.stderr!.on("data", (chunk: Buffer) => (output += chunk));
		dev.once("exit", (code) => reject(new Error(`npm run dev exited with ${code}:\n${output}`)));
	});
	return {
		port,
		api: `http://api.localhost:${port}`,
		at: (label) => `http://${label}.localhost:${port}/`,
		output: () => output,
		stop: async () => {
			if (dev.exitCode === null && dev.pid) {
				const exited = new Promise((resolve) => dev.once("exit", resolve));
				process.kill(-dev.pid, "SIGTERM");
				await exited;
			}
			rmSync(stateDir, { recursive: true, force: true });
		},
	};
}
