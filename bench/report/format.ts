/** How numbers read in the table: few digits, units always (sizes and durations: workers/shared/format.ts, as everywhere in Ferry). */
import { formatMs } from "../../workers/shared/format.ts";

/** A signed difference, e.g. `+0.42 ms`. */
export const formatMsDelta = (ms: number): string => `${ms < 0 ? "−" : "+"}${formatMs(Math.abs(ms))}`;

export const formatRate = (requestsPerSecond: number): string => `${Math.round(requestsPerSecond).toLocaleString("en-US")} req/s`;

export const formatCount = (n: number): string => n.toLocaleString("en-US");

export const formatRatio = (ratio: number): string => ratio.toFixed(2);

export const formatPercent = (fraction: number): string => `${(fraction * 100).toFixed(0)}%`;
