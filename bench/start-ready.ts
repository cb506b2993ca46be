/**
 * Start → ready as a user sees it: `npm run dev` spawned in its own process group, timed from the
 * spawn to the first successful HTTP answer of the API (polled through loopbackFetch), with existing
 * state. The platform's own readyMs (its Node process's start → ready, so without npm's own start,
 * from its --ready-file) is kept too.
 */
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ReadyFile } from "../local/dev.ts";
import { ROOT } from "../local/paths.ts";
import { freePort } from "../local/ports.ts";
import { loopbackFetch } from "../loopback/index.ts";
import { apiUrl } from "./api.ts";
import { onCleanup } from "./cleanup.ts";

export interface StartSample {
	/** Spawn → first 2xx from the API, ms. */
	processMs: number;
	/** What `npm run dev` printed: its Node process's start (module loading included) → ready, ms. */
	reportedMs: number | undefined;
}

const POLL_MS = 10;

async function answers(url: string): Promise<boolean> {
	try {
		const response = await loopbackFetch(url, { signal: AbortSignal.timeout(1_000) });
		await response.arrayBuffer();
		return response.ok;
	} catch {
		return false; // not listening yet
	}
}

function readReadyMs(file: string): number | undefined {
	try {
		return (JSON.parse(readFileSync(file, "utf8")) as ReadyFile).readyMs;
	} catch {
		return undefined; // not written yet
	}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Signals the group; false when none of it is left (ESRCH), which is no error here: it is what stopping wants. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
	try {
		process.kill(-pgid, signal);
		return true;
	} catch {
		return false;
	}
}

const groupAlive = (pgid: number) => signalGroup(pgid, 0);

/**
 * Stops the whole process group. npm swallows a SIGTERM that arrives before it has spawned the
 * script (it only forwards signals to children it has), so the signal is sent again while anything
 * of the group is left, and SIGKILL ends whatever is still there after a few seconds.
 */
async function stopGroup(pgid: number): Promise<void> {
	for (let waited = 0; groupAlive(pgid) && waited < 5_000; waited += 50) {
		if (waited % 1_000 === 0) signalGroup(pgid, "SIGTERM");
		await sleep(50);
	}
	signalGroup(pgid, "SIGKILL");
}

export async function timeDevStart(stateDir: string, adminToken: string): Promise<StartSample> {
	const port = await freePort();
	const started = performance.now();
	const readyFile = path.join(tmpdir(), `ferry-bench-ready-${process.pid}-${port}.json`);
	const dev = spawn("npm", ["run", "dev", "--", "--port", String(port), "--state", stateDir, "--ready-file", readyFile], {
		cwd: ROOT,
		env: { ...process.env, FERRY_ADMIN_TOKEN: adminToken },
		stdio: ["ignore", "pipe", "pipe"],
		// Its own process group: npm, its shell, node and workerd all stop with one signal.
		detached: true,
	});
	const exited = new Promise<void>((resolve) => dev.once("exit", () => resolve()));
	const stop = () => stopGroup(dev.pid!);
	const forget = onCleanup(stop, () => signalGroup(dev.pid!, "SIGKILL"));
	let output = "";
	dev.stdout!.on("data", (chunk: Buffer) => (output += chunk));
	dev.stderr!.on("data", (chunk: Buffer) => (output += chunk));
	try {
		let gone = false;
		void exited.then(() => (gone = true));
		while (!(await answers(`${apiUrl(port)}/`))) {
			if (gone) throw new Error(`npm run dev exited before it answered:\n${output}`);
			await sleep(POLL_MS);
		}
		const processMs = performance.now() - started;
		// The ready file is written right after the platform answers; give it a moment to appear.
		let reportedMs: number | undefined;
		for (let wait = 0; wait < 50 && reportedMs === undefined; wait++) {
			reportedMs = readReadyMs(readyFile);
			if (reportedMs === undefined) await sleep(POLL_MS);
		}
		return { processMs, reportedMs };
	} finally {
		forget();
		await stop();
		rmSync(readyFile, { force: true });
	}
}
