/** A series as a text sparkline: one block character per value, scaled to the largest; a gap (null) as a space. */
const BLOCKS = "▁▂▃▄▅▆▇█";

export function sparkline(values: readonly (number | null)[]): string {
	const max = Math.max(0, ...values.filter((value): value is number => value !== null));
	return values
		.map((value) => {
			if (value === null) return " ";
			if (max === 0) return BLOCKS[0];
			return BLOCKS[Math.min(BLOCKS.length - 1, Math.round((value / max) * (BLOCKS.length - 1)))];
		})
		.join("");
}
