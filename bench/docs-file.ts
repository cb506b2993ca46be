/**
 * docs/benchmarks.md holds the latest table between two markers; everything outside them is
 * hand-written and left alone.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export const BENCHMARKS_DOC = path.join(import.meta.dirname, "..", "docs", "benchmarks.md");
const BEGIN = "<!-- bench:results:begin (written by npm run bench; edits inside are overwritten) -->";
const END = "<!-- bench:results:end -->";

/** `document` with the text between the markers replaced by `results`. */
export function replaceResults(document: string, results: string): string {
	const begin = document.indexOf(BEGIN);
	const end = document.indexOf(END);
	if (begin === -1 || end < begin) throw new Error(`docs/benchmarks.md lacks the markers ${BEGIN} … ${END}`);
	return `${document.slice(0, begin + BEGIN.length)}\n${results.trim()}\n${document.slice(end)}`;
}

export function writeResults(results: string, file = BENCHMARKS_DOC): void {
	writeFileSync(file, replaceResults(readFileSync(file, "utf8"), results));
}
