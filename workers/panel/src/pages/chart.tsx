/**
 * A time series as a server-rendered SVG line chart (no charting library, no script): one polyline
 * per series, scaled to the largest value, with the largest value and the range as text. Colours
 * are SVG presentation attributes, which the panel's CSP allows (it refuses inline styles).
 */
export interface ChartSeries {
	label: string;
	/** null: no value for that step (a gap). */
	values: (number | null)[];
	colour: string;
}

const WIDTH = 600;
const HEIGHT = 140;
const PAD = 4;

function points(values: (number | null)[], max: number): string[] {
	const step = values.length > 1 ? (WIDTH - 2 * PAD) / (values.length - 1) : 0;
	const runs: string[] = [];
	let run: string[] = [];
	// A run of one point (one step with a value between gaps) would draw nothing: twice the same
	// point is a zero-length line, which the round caps show as a dot.
	const end = () => {
		if (run.length) runs.push((run.length === 1 ? [run[0], run[0]] : run).join(" "));
		run = [];
	};
	values.forEach((value, i) => {
		if (value === null) {
			end();
			return;
		}
		const x = PAD + i * step;
		const y = HEIGHT - PAD - (max > 0 ? (value / max) * (HEIGHT - 2 * PAD) : 0);
		run.push(`${x.toFixed(1)},${y.toFixed(1)}`);
	});
	end();
	return runs;
}

export function Chart({ title, series, unit, from, to }: { title: string; series: ChartSeries[]; unit: string; from: string; to: string }) {
	const max = Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
	const summary = `${title}: ${series.map((s) => `${s.label} up to ${Math.max(0, ...s.values.filter((v): v is number => v !== null))} ${unit}`).join(", ")}, from ${from} to ${to}`;
	return (
		<figure class="chart">
			<figcaption>
				{title}{" "}
				<span class="legend">
					{series.map((s) => (
						<span class="key">
							<svg viewBox="0 0 10 10" width="10" height="10" aria-hidden="true">
								<rect width="10" height="10" fill={s.colour} />
							</svg>{" "}
							{s.label}
						</span>
					))}
				</span>{" "}
				<span class="max">
					max {max} {unit}
				</span>
			</figcaption>
			<svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary} preserveAspectRatio="none">
				<rect x="0" y="0" width={WIDTH} height={HEIGHT} fill="none" stroke="#c4c7c5" />
				{series.flatMap((s) =>
					points(s.values, max).map((line) => (
						<polyline points={line} fill="none" stroke={s.colour} stroke-width="2" stroke-linecap="round" />
					)),
				)}
			</svg>
		</figure>
	);
}
