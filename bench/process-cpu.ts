/**
 * CPU time of processes, from /proc (Linux only): what a burst of work cost each process, whatever
 * the wall clock did on a shared machine.
 */
import { readFileSync } from "node:fs";

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks (100 per second on every Linux ABI we run on). */
const TICKS_PER_SECOND = 100;

/** User + system CPU of a process so far, in milliseconds; undefined once it is gone. */
export function processCpuMs(pid: number): number | undefined {
	let stat: string;
	try {
		stat = readFileSync(`/proc/${pid}/stat`, "utf8");
	} catch {
		return undefined;
	}
	// `pid (comm) state ppid …`: comm may hold spaces, so count fields after its closing parenthesis;
	// utime and stime are fields 14 and 15 of the line, the 12th and 13th after it.
	const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
	return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/**
 * CPU spent by groups of processes whose members change (a recycled runtime ends, its replacement
 * starts): each pid counts from its first reading to its last. A pid first read after the tally
 * began started meanwhile, so it counts from 0; one that ended counts up to its last reading, so
 * read often (`sample()`) when processes come and go.
 */
export class CpuTally {
	readonly #groups: () => Record<string, number[]>;
	readonly #first = new Map<number, number>();
	readonly #last = new Map<number, { group: string; ms: number }>();
	#started = false;

	constructor(groups: () => Record<string, number[]>) {
		this.#groups = groups;
		this.sample();
		this.#started = true;
	}

	sample(): void {
		for (const [group, pids] of Object.entries(this.#groups()))
			for (const pid of pids) {
				const ms = processCpuMs(pid);
				if (ms === undefined) continue;
				if (!this.#first.has(pid)) this.#first.set(pid, this.#started ? 0 : ms);
				this.#last.set(pid, { group, ms });
			}
	}

	/** Milliseconds of CPU per group since the tally began (after one last sample). */
	spentMs(): Record<string, number> {
		this.sample();
		const spent: Record<string, number> = Object.fromEntries(Object.keys(this.#groups()).map((group) => [group, 0]));
		for (const [pid, { group, ms }] of this.#last) spent[group] = (spent[group] ?? 0) + ms - (this.#first.get(pid) ?? 0);
		return spent;
	}
}

/**
 * Waits until `pids()` together spend under `share` of one core over `windowMs` (at most `maxMs`):
 * a platform just started reads its route table and code ahead in the background, and a first
 * request timed during that work measures the machine's contention, not a cold start. Returns the
 * milliseconds waited.
 */
export async function settle(pids: () => number[], { share = 0.05, windowMs = 1000, maxMs = 60_000 } = {}): Promise<number> {
	const started = performance.now();
	const total = () => pids().reduce((sum, pid) => sum + (processCpuMs(pid) ?? 0), 0);
	for (;;) {
		const before = total();
		const from = performance.now();
		await new Promise((resolve) => setTimeout(resolve, windowMs));
		const spentShare = (total() - before) / (performance.now() - from);
		if (spentShare < share || performance.now() - started >= maxMs) return performance.now() - started;
	}
}
