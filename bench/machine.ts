/** What the numbers were measured on, printed above the table. */
import { createRequire } from "node:module";
import os from "node:os";

export interface Machine {
	cores: number;
	cpu: string;
	node: string;
	workerd: string;
	wrangler: string;
	wrk: string;
	date: string;
	/** The 1-minute load average when the run started: other work on the machine moves the numbers. */
	load: number;
	/** A fixed JS loop's time at the start (calibrate): what this machine's cores gave just then. */
	loopMs: number;
}

const LOOP_STEPS = 100_000_000;

/**
 * A fixed amount of JS work timed, best of 3: a shared VM's cores change speed by 2–3× within an
 * hour at the same load average, so two runs' rows compare only as far as their loop times agree.
 */
export function calibrate(): number {
	let best = Number.POSITIVE_INFINITY;
	for (let round = 0; round < 3; round++) {
		const started = performance.now();
		let x = 0;
		for (let i = 0; i < LOOP_STEPS; i++) x = (x + i) % 1_000_003;
		const ms = performance.now() - started;
		// Used, so that the loop is not optimised away.
		if (x < 0) throw new Error("unreachable");
		best = Math.min(best, ms);
	}
	return best;
}

/** A package's version as the package that depends on it resolves it (miniflare has its own workerd). */
function versionOf(name: string, from: string): string {
	try {
		const require = createRequire(from);
		return (require(`${name}/package.json`) as { version: string }).version;
	} catch {
		return "unknown";
	}
}

export function describeMachine(wrkVersion: string): Machine {
	const require = createRequire(import.meta.url);
	return {
		cores: os.availableParallelism(),
		cpu: os.cpus()[0]?.model.trim() ?? "unknown",
		node: process.version,
		workerd: versionOf("workerd", require.resolve("miniflare")),
		wrangler: versionOf("wrangler", import.meta.url),
		wrk: wrkVersion,
		date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
		load: os.loadavg()[0] ?? 0,
		loopMs: calibrate(),
	};
}

export const machineLine = (m: Machine): string =>
	`${m.date} · ${m.cores} cores, ${m.cpu}, load average ${m.load.toFixed(1)} and a fixed JS loop (100M steps) in ${Math.round(m.loopMs)} ms at the start · Node ${m.node} · workerd ${m.workerd} · wrangler ${m.wrangler} · wrk ${m.wrk}`;
