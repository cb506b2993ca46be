/**
 * How the CLI prints, in one place: human text on stdout (on stderr under --json, so stdout carries one
 * JSON document and nothing else), warnings and errors on stderr, colour only on a terminal.
 */
import type { ErrorPrinter } from "./errors.ts";
import type { Io, OutputStream } from "./io.ts";

const SGR = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39] } as const;
export type Style = keyof typeof SGR;

const colorEnabled = (stream: OutputStream, env: Io["env"]): boolean =>
	env.FORCE_COLOR ? env.FORCE_COLOR !== "0" : Boolean(stream.isTTY) && !env.NO_COLOR && env.TERM !== "dumb";

function colorsFor(stream: OutputStream, env: Io["env"]): (style: Style, text: string) => string {
	return colorEnabled(stream, env) ? (style, text) => `\x1b[${SGR[style][0]}m${text}\x1b[${SGR[style][1]}m` : (_, text) => text;
}

export class Output implements ErrorPrinter {
	/** Where human-readable lines and progress go. */
	readonly human: OutputStream;
	readonly style: (style: Style, text: string) => string;
	private readonly errStyle: (style: Style, text: string) => string;
	private readonly io: Io;

	constructor(io: Io, jsonMode = false) {
		this.io = io;
		this.human = jsonMode ? io.stderr : io.stdout;
		this.style = colorsFor(this.human, io.env);
		this.errStyle = colorsFor(io.stderr, io.env);
	}

	log(line = ""): void {
		this.human.write(`${line}\n`);
	}

	success(text: string): void {
		this.log(`${this.style("green", "✔")} ${text}`);
	}

	warn(text: string): void {
		this.io.stderr.write(`${this.errStyle("yellow", "▲")} ${text}\n`);
	}

	error(text: string): void {
		this.io.stderr.write(`${this.errStyle("red", "✘")} ${text}\n`);
	}

	hint(text: string): void {
		this.io.stderr.write(`  ${this.errStyle("dim", text)}\n`);
	}

	debug(text: string): void {
		this.io.stderr.write(`${this.errStyle("dim", text)}\n`);
	}

	/** The command's result for scripts and CI (--json): one JSON document on stdout. */
	json(value: unknown): void {
		this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
	}

	/** Aligned columns with a header; an empty table prints `empty` instead. */
	table(header: string[], rows: string[][], empty: string): void {
		if (rows.length === 0) {
			this.log(empty);
			return;
		}
		const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
		const line = (cells: string[]) =>
			cells
				.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
				.join("  ")
				.trimEnd();
		this.log(this.style("bold", line(header)));
		for (const row of rows) this.log(line(row));
	}

	/** Label/value lines, aligned. */
	fields(pairs: [label: string, value: string][]): void {
		const width = Math.max(...pairs.map(([label]) => label.length));
		for (const [label, value] of pairs) this.log(`  ${this.style("dim", label.padEnd(width))}  ${value}`);
	}
}

/** An API timestamp as local "YYYY-MM-DD HH:MM:SS". */
export const formatTime = (iso: string | null): string => {
	if (!iso) return "-";
	const d = new Date(iso);
	const pad = (n: number) => String(n).padStart(2, "0");
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
};
