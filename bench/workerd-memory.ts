/**
 * The resident memory of the workerd process a Miniflare instance started: a child of this
 * process, found in /proc (Linux only) by the port it serves.
 */
import { readdirSync, readFileSync } from "node:fs";

const read = (file: string): string | undefined => {
	try {
		return readFileSync(file, "utf8");
	} catch {
		return undefined; // the process ended while we looked
	}
};

/** The pid of our workerd child serving `port` (Miniflare passes `--socket-addr=entry=127.0.0.1:<port>`). */
export function workerdPid(port: number): number | undefined {
	for (const entry of readdirSync("/proc")) {
		if (!/^\d+$/.test(entry)) continue;
		const stat = read(`/proc/${entry}/stat`);
		// `pid (comm) state ppid …`; comm may hold spaces, so read after its closing parenthesis.
		const ppid = Number(stat?.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
		if (ppid !== process.pid) continue;
		const argv = read(`/proc/${entry}/cmdline`)?.split("\0") ?? [];
		if (argv[0]?.endsWith("workerd") && argv.some((arg) => arg.endsWith(`:${port}`))) return Number(entry);
	}
	return undefined;
}

/** VmRSS of a process, in bytes. */
export function residentBytes(pid: number): number | undefined {
	const kib = /^VmRSS:\s+(\d+) kB/m.exec(read(`/proc/${pid}/status`) ?? "")?.[1];
	return kib === undefined ? undefined : Number(kib) * 1024;
}
