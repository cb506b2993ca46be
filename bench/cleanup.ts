/**
 * Everything the benchmark starts (the platform, the baseline, `npm run dev`, wrk) registers how to
 * stop it here, so that the normal end and Ctrl-C both leave no process behind.
 */

type Stop = () => Promise<void> | void;

const stops = new Set<Stop>();

/** Registers a stop; the returned function unregisters it (call it once the thing stopped by itself). */
export function onCleanup(stop: Stop): () => void {
	stops.add(stop);
	return () => stops.delete(stop);
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

/** Ctrl-C (or a kill) stops every child the benchmark started, then exits. */
export function cleanUpOnSignals(): void {
	const handle = (signal: NodeJS.Signals) => {
		console.error(`\n[bench] ${signal}: stopping everything the benchmark started…`);
		void cleanUp().finally(() => process.exit(130));
	};
	process.once("SIGINT", handle);
	process.once("SIGTERM", handle);
}
