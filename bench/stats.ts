/** Percentiles of a handful of samples (cold starts, deploys): nearest-rank, no interpolation. */

export function percentile(samples: readonly number[], p: number): number {
	if (samples.length === 0) throw new Error("percentile of no samples");
	const sorted = [...samples].sort((a, b) => a - b);
	// Nearest rank: the smallest sample with at least p% of the samples at or below it.
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export const median = (samples: readonly number[]): number => percentile(samples, 50);
