import { describe, expect, it } from "vitest";
import { type Histogram, merge, percentile, record } from "./histogram";

const of = (values: number[]): Histogram => {
	const histogram: Histogram = {};
	for (const value of values) record(histogram, value);
	return histogram;
};

describe("duration histograms", () => {
	it("gives percentiles within 9% above the exact ones", () => {
		const values = Array.from({ length: 1_000 }, (_, i) => (i + 1) * 0.37);
		const histogram = of(values);
		for (const p of [50, 95, 99]) {
			const exact = values[Math.ceil((p / 100) * values.length) - 1]!;
			const read = percentile(histogram, p)!;
			expect(read).toBeGreaterThanOrEqual(exact * 0.999);
			expect(read).toBeLessThanOrEqual(exact * 1.091);
		}
	});

	it("sums minutes into a step, and says nothing for an empty one", () => {
		const a = of([1, 1, 1]);
		merge(a, of([100]));
		expect(percentile(a, 50)).toBe(1);
		expect(percentile(a, 99)).toBeGreaterThanOrEqual(100);
		expect(percentile(a, 99)).toBeLessThan(109.1);
		expect(percentile({}, 50)).toBeNull();
		expect(percentile(of([0, 0.001]), 50)).toBeLessThanOrEqual(0.01);
	});
});
