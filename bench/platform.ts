/**
 * The local platform for the load phases: local/platform.ts's startLocalPlatform, in this process,
 * exactly as `npm run dev` starts it (migrations, every process, the supervisor on), on a free port.
 * Only the start → ready row spawns `npm run dev` itself (start-ready.ts): there the process start is
 * what is measured; here one process saves a Node start and keeps the workerd child in reach.
 */
import { describeEvent, type LocalPlatform, localAdminToken, startLocalPlatform } from "../local/platform.ts";
import { freePort } from "../local/ports.ts";
import { onCleanup } from "./cleanup.ts";
import { residentBytes, workerdPid } from "./workerd-memory.ts";

export interface BenchPlatform {
	platform: LocalPlatform;
	port: number;
	adminToken: string;
	/** VmRSS of the platform's workerd processes now, summed, in bytes. */
	workerdRss(): number | undefined;
	/** How many processes the supervisor recycled so far (docs/architecture.md, "Recycling"). */
	recycles(): number;
	/** The pids of the control process and of the others (runtimes, isolation runtimes, probe) now: a recycle replaces a runtime's. */
	workerdProcesses(): { control: number[]; runtimes: number[] };
	stop(): Promise<void>;
}

/** `telemetry: false`: tenant code runs untraced (the "collection off" side of measure/telemetry.ts). */
export async function startPlatform(stateDir: string, { telemetry = true } = {}): Promise<BenchPlatform> {
	const port = await freePort();
	let recycles = 0;
	const platform = await startLocalPlatform({
		port,
		stateDir,
		adminToken: localAdminToken(),
		telemetry,
		// The default's line on stderr, and the recycles counted.
		onEvent: (event) => {
			if (event.type === "recycled") recycles++;
			console.error(`[ferry] ${describeEvent(event)}`);
		},
	});
	const forget = onCleanup(() => platform.stop());
	return {
		platform,
		port,
		adminToken: platform.adminToken,
		recycles: () => recycles,
		workerdProcesses: () => {
			// A process being replaced has no pid for a moment: it is left out, not an error.
			const [control, ...runtimes] = platform.workerdPorts().map((entryPort) => workerdPid(entryPort));
			const found = (pids: (number | undefined)[]) => pids.filter((pid) => pid !== undefined);
			return { control: found([control]), runtimes: found(runtimes) };
		},
		workerdRss: () => {
			const sizes = platform.workerdPorts().map((entryPort) => {
				const pid = workerdPid(entryPort);
				return pid === undefined ? undefined : residentBytes(pid);
			});
			return sizes.includes(undefined) ? undefined : sizes.reduce<number>((sum, size) => sum + size!, 0);
		},
		stop: async () => {
			forget();
			await platform.stop();
		},
	};
}
