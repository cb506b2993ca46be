/**
 * How Ferry writes sizes and durations for people: the API's and the WAGI shim's error messages, the
 * CLI's output and the benchmark table all read the same value the same way. Pure functions, no
 * runtime APIs, so Workers, the CLI and the bench import this one module.
 */

/** A size: "12 bytes", "300 KiB", "9.5 MiB", "8 MiB" (one decimal at most; binary units). */
export function formatBytes(bytes: number): string {
	const round = (n: number) => String(Math.round(n * 10) / 10);
	if (bytes >= 1024 * 1024) return `${round(bytes / 1024 / 1024)} MiB`;
	if (bytes >= 1024) return `${round(bytes / 1024)} KiB`;
	return `${bytes} bytes`;
}

/** A duration with about three significant digits: "0.42 ms", "12.3 ms", "912 ms", "1.04 s", "2.5 min". */
export function formatMs(ms: number): string {
	if (ms >= 120_000) return `${(ms / 60_000).toFixed(1)} min`;
	if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
	if (ms >= 100) return `${ms.toFixed(0)} ms`;
	if (ms >= 10) return `${ms.toFixed(1)} ms`;
	return `${ms.toFixed(2)} ms`;
}
