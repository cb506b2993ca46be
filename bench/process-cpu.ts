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
