/**
 * A record from what the runtime's tail delivers (a `TraceItem`): locally the Worker Loader `tails`
 * of each deployment's isolate, in production the namespace script's tail consumer. Tenant code is
 * never wrapped: everything here comes from the trace.
 */
import { iso } from "../time";
import {
	type CollectedInvocation,
	type InvocationSource,
	LOG_LEVELS,
	type LogLevel,
	type LogLine,
	MAX_LINE_CHARS,
	MAX_LINES,
	MAX_LOG_CHARS,
	type Outcome,
} from "./record";

const MAX_STACK_CHARS = 8_192;

const OUTCOME_OF: Record<string, Outcome> = {
	ok: "ok",
	exception: "exception",
	exceededCpu: "exceeded_limits",
	exceededMemory: "exceeded_limits",
	exceededWallTime: "exceeded_limits",
	canceled: "canceled",
	responseStreamDisconnected: "canceled",
};

const isLevel = (level: string): level is LogLevel => (LOG_LEVELS as readonly string[]).includes(level);

/** A console call's arguments as one line: strings as they are, anything else as JSON. */
function lineText(message: unknown): string {
	const parts = Array.isArray(message) ? message : [message];
	return parts
		.map((part) => {
			if (typeof part === "string") return part;
			try {
				return JSON.stringify(part) ?? String(part);
			} catch {
				return String(part);
			}
		})
		.join(" ");
}

function logLines(logs: readonly TraceLog[]): { lines: LogLine[]; dropped: number } {
	const lines: LogLine[] = [];
	let chars = 0;
	let dropped = 0;
	for (const log of logs) {
		let message = lineText(log.message);
		const cut = message.length > MAX_LINE_CHARS;
		if (cut) message = message.slice(0, MAX_LINE_CHARS);
		if (lines.length >= MAX_LINES || chars + message.length > MAX_LOG_CHARS) {
			dropped++;
			continue;
		}
		chars += message.length;
		const line: LogLine = { time: iso(log.timestamp), level: isLevel(log.level) ? log.level : "log", message };
		if (cut) line.truncated = true;
		lines.push(line);
	}
	return { lines, dropped };
}

const pathOf = (url: string): string => {
	try {
		const parsed = new URL(url);
		return parsed.pathname + parsed.search;
	} catch {
		return url;
	}
};

/**
 * The record of one trace. `now` is when the trace arrived: workerd reports no wall time locally, and
 * a trace is delivered once its invocation ended, so arrival minus start is its wall time there.
 */
export function invocationOf(item: TraceItem, source: InvocationSource, now: number): CollectedInvocation {
	const start = item.eventTimestamp ?? now;
	const event = item.event;
	const fetch = event && "request" in event ? (event as TraceItemFetchEventInfo) : null;
	const scheduled = event && "cron" in event ? (event as TraceItemScheduledEventInfo) : null;
	const rpc = event && "rpcMethod" in event ? (event as TraceItemJsRpcEventInfo) : null;
	const outcome = OUTCOME_OF[item.outcome] ?? "unknown";
	const { lines, dropped } = logLines(item.logs);
	const thrown = item.exceptions[0];
	// The runtime reports times in production only; locally both are 0.
	const reported = item.wallTime > 0;
	const failed = outcome === "exception" || outcome === "exceeded_limits";
	return {
		source,
		record: {
			time: iso(start),
			script: source.scriptName,
			deployment_id: source.deploymentId,
			request_id: fetch ? (fetch.request.headers["cf-ray"] ?? null) : null,
			event: fetch ? "fetch" : scheduled ? "scheduled" : rpc ? "rpc" : "other",
			method: fetch ? fetch.request.method : null,
			path: fetch ? pathOf(fetch.request.url) : null,
			cron: scheduled ? scheduled.cron : null,
			status: fetch?.response?.status ?? (fetch && failed ? 500 : null),
			outcome,
			wall_ms: reported ? item.wallTime : Math.max(0, now - start),
			cpu_ms: reported ? item.cpuTime : null,
			logs: lines,
			logs_dropped: dropped,
			logs_truncated: dropped > 0 || item.truncated,
			exception: thrown
				? { name: thrown.name, message: thrown.message, stack: thrown.stack ? thrown.stack.slice(0, MAX_STACK_CHARS) : null }
				: null,
		},
	};
}
