/**
 * Load from wrk: fixed duration and connections, so every run is bounded and stops by itself.
 * One hostname goes in the Host header; many hostnames go through spread.lua.
 */
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { onCleanup } from "./cleanup.ts";
import { type LoadResult, parseWrkOutput } from "./wrk-output.ts";

export interface LoadOptions {
	/** Where wrk connects, e.g. http://127.0.0.1:18787/ */
	url: string;
	/** One Host header for every request… */
	host?: string;
	/** …or requests spread evenly over `<label>.localhost` for each label (see spread.lua). */
	spread?: { labels: string[] };
	durationSeconds: number;
	connections: number;
	threads: number;
}

/** Exits with the one-line fix when wrk is not installed. */
export function requireWrk(): string {
	const probe = spawnSync("wrk", ["--version"], { encoding: "utf8" });
	if (probe.error) {
		console.error("wrk is not installed; install it with: apt-get install -y wrk");
		process.exit(1);
	}
	// `wrk --version` prints its version line and the usage, then exits with 1.
	return /^wrk (\S+)/m.exec(`${probe.stdout}${probe.stderr}`)?.[1] ?? "unknown";
}

export async function wrk(options: LoadOptions): Promise<LoadResult> {
	const args = [
		`--threads=${Math.min(options.threads, options.connections)}`,
		`--connections=${options.connections}`,
		`--duration=${options.durationSeconds}s`,
		"--timeout=5s",
		"--latency",
	];
	if (options.host) args.push("--header", `Host: ${options.host}`);
	if (options.spread) args.push("--script", path.join(import.meta.dirname, "spread.lua"));
	args.push(options.url);
	if (options.spread) args.push("--", ...options.spread.labels);

	const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "pipe"] });
	const forget = onCleanup(
		() => void child.kill("SIGTERM"),
		() => void child.kill("SIGKILL"),
	);
	let output = "";
	child.stdout.on("data", (chunk: Buffer) => (output += chunk));
	child.stderr.on("data", (chunk: Buffer) => (output += chunk));
	const code = await new Promise<number | null>((resolve, reject) => {
		child.once("error", reject);
		child.once("exit", resolve);
	});
	forget();
	if (code !== 0) throw new Error(`wrk exited with ${code}:\n${output}`);
	return parseWrkOutput(output);
}
