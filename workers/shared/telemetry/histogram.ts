/**
 * Durations as a log-scale histogram, so that per-minute rollups can be summed over any step and
 * still give percentiles: each bucket is 2^(1/8) (~9%) wider than the one before, so a percentile
 * read from one (its upper bound) is at most ~9% above the exact one. The first bucket holds every
 * duration at or under MIN_MS, the last everything past ~5 hours.
 */
const PER_DOUBLING = 8;
/** Durations at or under this share the first bucket (workerd's timers are coarser than this anyway). */
export const MIN_MS = 0.01;
const OFFSET = Math.ceil(-Math.log2(MIN_MS) * PER_DOUBLING);
/** 2^(200/8 − OFFSET/8) ms ≈ 5.5 hours: past any wall-clock limit. */
const BUCKETS = OFFSET + 200;

/** Sparse: bucket index → count. */
export type Histogram = Record<number, number>;

export function bucketOf(ms: number): number {
	if (!(ms > MIN_MS)) return 0;
	return Math.min(BUCKETS, Math.ceil(Math.log2(ms) * PER_DOUBLING) + OFFSET);
}

/** The largest duration a bucket holds (what a percentile in it is reported as). */
export const upperBound = (bucket: number): number => 2 ** ((bucket - OFFSET) / PER_DOUBLING);

export function record(histogram: Histogram, ms: number): void {
	const bucket = bucketOf(ms);
	histogram[bucket] = (histogram[bucket] ?? 0) + 1;
}

export function merge(into: Histogram, from: Histogram): void {
	for (const [bucket, count] of Object.entries(from)) into[Number(bucket)] = (into[Number(bucket)] ?? 0) + count;
}

/** The p-th percentile (0 < p ≤ 100), rounded to the bucket's bound at 3 significant digits; null when empty. */
export function percentile(histogram: Histogram, p: number): number | null {
	const buckets = Object.entries(histogram)
		.map(([bucket, count]) => [Number(bucket), count] as const)
		.sort((a, b) => a[0] - b[0]);
	const total = buckets.reduce((sum, [, count]) => sum + count, 0);
	if (total === 0) return null;
	const rank = Math.ceil((p / 100) * total);
	let seen = 0;
	for (const [bucket, count] of buckets) {
		seen += count;
		if (seen >= rank) return Number(upperBound(bucket).toPrecision(3));
	}
	return Number(upperBound(buckets[buckets.length - 1]![0]).toPrecision(3));
}
