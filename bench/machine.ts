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
	};
}

export const machineLine = (m: Machine): string =>
	`${m.date} · ${m.cores} cores, ${m.cpu}, load average ${m.load.toFixed(1)} at the start · Node ${m.node} · workerd ${m.workerd} · wrangler ${m.wrangler} · wrk ${m.wrk}`;
