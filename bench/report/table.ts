/** The results table: the same Markdown on the terminal and in docs/benchmarks.md. */
import type { Verdict } from "./targets.ts";

export interface Row {
	measurement: string;
	result: string;
	/** The target, when it sets one. */
	target?: string;
	verdict?: Verdict;
}

const HEADER = ["Measurement", "Result", "Target", "Met"];

const cell = (text: string) => text.replaceAll("|", "\\|");

/** A Markdown table, columns padded so that it also reads as plain text. */
export function renderTable(rows: readonly Row[]): string {
	const lines = [HEADER, ...rows.map((row) => [row.measurement, row.result, row.target ?? "—", row.verdict?.text ?? "—"].map(cell))];
	const widths = HEADER.map((_, column) => Math.max(...lines.map((line) => line[column]!.length)));
	const render = (line: string[]) => `| ${line.map((text, column) => text.padEnd(widths[column]!)).join(" | ")} |`;
	return [render(lines[0]!), `| ${widths.map((width) => "-".repeat(width)).join(" | ")} |`, ...lines.slice(1).map(render)].join("\n");
}
