/**
 * The targets as checks: each says whether a measurement met its target and, when it did
 * not, by how much it missed.
 */
import { formatMs } from "../../workers/shared/format.ts";
import { formatPercent, formatRatio } from "./format.ts";

export interface Verdict {
	met: boolean;
	/** `yes`, or `no: …` with the size of the miss. */
	text: string;
}

const verdict = (met: boolean, miss: string): Verdict => ({ met, text: met ? "yes" : `no: ${miss}` });

/** A ratio that must reach `minimum` (dispatched ÷ direct throughput ≥ 0.8). */
export const ratioAtLeast = (ratio: number, minimum: number): Verdict =>
	verdict(ratio >= minimum, `${formatRatio(minimum - ratio)} short (${formatPercent(1 - ratio / minimum)} below the target)`);

/** A time that must stay at or under `limit` (added p50 ≤ 0.3 ms, deploy p50 ≤ 300 ms, …). */
export const msAtMost = (ms: number, limitMs: number): Verdict =>
	verdict(ms <= limitMs, `${formatMs(ms - limitMs)} over (${formatPercent(ms / limitMs - 1)} more than allowed)`);

/** A throughput that must stay within `fraction` of a reference (10,000 deployed vs 10 deployed). */
export function withinFractionOf(value: number, reference: number, fraction: number): Verdict {
	const drop = 1 - value / reference;
	return verdict(
		drop <= fraction,
		`${formatPercent(drop)} lower, ${formatPercent(drop - fraction)} past the ${formatPercent(fraction)} allowed`,
	);
}

/** Requests that must all succeed (each of 10,000 distinct scripts served once: 0 failed). */
export const noneFailed = (failed: number, of: number): Verdict =>
	verdict(failed === 0, `${failed.toLocaleString("en-US")} of ${of.toLocaleString("en-US")} failed`);

/** A rate that must reach `minimum` per second (deploys per second ≥ 50). */
export const rateAtLeast = (perSecond: number, minimum: number): Verdict =>
	verdict(perSecond >= minimum, `${(minimum - perSecond).toFixed(1)}/s short (${formatPercent(1 - perSecond / minimum)} below the target)`);
