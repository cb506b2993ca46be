/**
 * Everything the benchmark starts (the platform, the baseline, `npm run dev`, wrk) registers how to
 * stop it here, so that the normal end and Ctrl-C both leave no process behind.
 */

type Stop = () => Promise<void> | void;

const stops = new Set<Stop>();

/**
 * Registers a stop; the returned function unregisters it (call it once the thing stopped by itself).
 * `atExit` is the synchronous last resort (a SIGKILL) for when the process ends before the stop ran:
 * while a Miniflare instance lives, its exit hook answers SIGINT with process.exit() at once.
 */
export function onCleanup(stop: Stop, atExit?: () => void): () => void {
	stops.add(stop);
	if (atExit) process.on("exit", atExit);
	return () => {
		stops.delete(stop);
		if (atExit) process.off("exit", atExit);
	};
}

/** Runs the registered stops, newest first. */
export async function cleanUp(): Promise<void> {
	for (const stop of [...stops].reverse()) {
		stops.delete(stop);
		await Promise.resolve()
			.then(stop)
			.catch((error: unknown) => console.error(`[bench] cleanup: ${String(error)}`));
	}
}

/**
 * Ctrl-C (or a kill) stops every child the benchmark started, then exits. The handlers stay
 * installed (`on`, not `once`): signal-exit, which wrangler loads, re-raises a signal when only its
 * own listeners are left, and that would end the process before the stops ran.
 */
export function cleanUpOnSignals(): void {
	let stopping = false;
	const handle = (signal: NodeJS.Signals) => {
		// A second Ctrl-C does not wait: the atExit last resorts still run.
		if (stopping) process.exit(130);
		stopping = true;
		console.error(`\n[bench] ${signal}: stopping everything the benchmark started…`);
		void cleanUp().finally(() => process.exit(130));
	};
	process.on("SIGINT", handle);
	process.on("SIGTERM", handle);
}
