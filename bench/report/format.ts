/** How numbers read in the table: few digits, units always. */

export function formatMs(ms: number): string {
	if (ms >= 120_000) return `${(ms / 60_000).toFixed(1)} min`;
	if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
	if (ms >= 100) return `${ms.toFixed(0)} ms`;
	if (ms >= 10) return `${ms.toFixed(1)} ms`;
	return `${ms.toFixed(2)} ms`;
}

/** A signed difference, e.g. `+0.42 ms`. */
export const formatMsDelta = (ms: number): string => `${ms < 0 ? "−" : "+"}${formatMs(Math.abs(ms))}`;

export const formatRate = (requestsPerSecond: number): string => `${Math.round(requestsPerSecond).toLocaleString("en-US")} req/s`;

export const formatCount = (n: number): string => n.toLocaleString("en-US");

export const formatMiB = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

export const formatRatio = (ratio: number): string => ratio.toFixed(2);

export const formatPercent = (fraction: number): string => `${(fraction * 100).toFixed(0)}%`;
