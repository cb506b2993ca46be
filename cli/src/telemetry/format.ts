/**
 * An invocation record as `ferry logs` and `ferry tail` print it: one line for the invocation (time,
 * status, method, path, duration, outcome when it is not ok), then its console lines and its
 * exception, indented.
 */
import type { Invocation } from "../../../workers/shared/api-client/types.ts";
import { formatMs } from "../../../workers/shared/format.ts";
import { formatTime, type Style } from "../core/output.ts";

type Styler = (style: Style, text: string) => string;

const LEVEL_STYLE: Record<string, Style | undefined> = { error: "red", warn: "yellow", debug: "dim" };

function statusText(record: Invocation, style: Styler): string {
	if (record.status === null) return style("dim", "---");
	const text = String(record.status);
	return record.status >= 500 ? style("red", text) : record.status >= 400 ? style("yellow", text) : style("green", text);
}

function headline(record: Invocation): string {
	if (record.event === "fetch") return `${record.method} ${record.path}`;
	if (record.event === "scheduled") return `scheduled ${record.cron ?? ""}`.trimEnd();
	return record.event;
}

export function formatInvocation(record: Invocation, style: Styler): string[] {
	const parts = [style("dim", formatTime(record.time)), statusText(record, style), headline(record)];
	if (record.wall_ms !== null) parts.push(style("dim", formatMs(record.wall_ms)));
	if (record.outcome !== "ok") parts.push(style("red", record.outcome.replace("_", " ")));
	const lines = [parts.join("  ")];
	for (const line of record.logs) {
		const level = line.level.padEnd(5);
		const styled = LEVEL_STYLE[line.level] ? style(LEVEL_STYLE[line.level]!, level) : level;
		lines.push(`    ${styled} ${line.message}${line.truncated ? style("dim", " …(cut)") : ""}`);
	}
	if (record.logs_truncated)
		lines.push(style("dim", `    … ${record.logs_dropped > 0 ? `${record.logs_dropped} more lines` : "more lines"} not kept`));
	if (record.exception) {
		lines.push(`    ${style("red", `✘ ${record.exception.name}: ${record.exception.message}`)}`);
		for (const frame of (record.exception.stack ?? "").split("\n").filter((f) => f.trim() && !f.includes(record.exception!.message)))
			lines.push(style("dim", `      ${frame.trim()}`));
	}
	return lines;
}
