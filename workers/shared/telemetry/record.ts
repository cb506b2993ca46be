/**
 * One record per invocation of tenant code (built from the runtime's trace by ./trace.ts). The
 * record is the API's JSON as it is (docs/api.md, "Logs"), so the store keeps it as is.
 */
/** Which deployment of which script of which tenant an invocation ran; never taken from tenant code. */
export interface InvocationSource {
	tenantId: string;
	scriptId: string;
	scriptName: string;
	deploymentId: string;
}

export const LOG_LEVELS = ["debug", "info", "log", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** How a level orders against the others (a filter asks for this level or worse). */
export const levelRank = (level: LogLevel): number => LOG_LEVELS.indexOf(level);

export const OUTCOMES = ["ok", "exception", "exceeded_limits", "canceled", "unknown"] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface LogLine {
	time: string;
	level: LogLevel;
	message: string;
	/** The line was longer than MAX_LINE_CHARS and was cut there. */
	truncated?: true;
}

export interface InvocationRecord {
	/** The record's place in its script's store, newest first by start time (also a logs cursor). */
	id: string;
	/** When the invocation started. */
	time: string;
	script: string;
	deployment_id: string;
	/** The id the platform's pages and headers name for the request (`cf-ray`); null for a non-HTTP event. */
	request_id: string | null;
	event: "fetch" | "scheduled" | "rpc" | "other";
	method: string | null;
	/** The path and query of a fetch. */
	path: string | null;
	/** The cron expression of a scheduled invocation. */
	cron: string | null;
	/** The status the client got: the tenant's response, or 500 when its code threw before answering. */
	status: number | null;
	outcome: Outcome;
	wall_ms: number | null;
	/** Null where the runtime does not report CPU time (locally: workerd reports none). */
	cpu_ms: number | null;
	logs: LogLine[];
	/** Lines past MAX_LINES or MAX_LOG_CHARS, counted and not kept. */
	logs_dropped: number;
	/**
	 * Lines are missing: dropped here, or already by the runtime, which caps a trace's size itself
	 * (workerd keeps about 128 KB of an invocation's logs) and then reports only that it did.
	 */
	logs_truncated: boolean;
	exception: { name: string; message: string; stack: string | null } | null;
}

/** What the collector hands the store: a record without its id, and where it belongs. */
export interface CollectedInvocation {
	source: InvocationSource;
	record: Omit<InvocationRecord, "id">;
}

/** A console line is cut at 4 KiB of characters; an invocation keeps at most 100 lines and 32 Ki characters of them. */
export const MAX_LINE_CHARS = 4_096;
export const MAX_LINES = 100;
export const MAX_LOG_CHARS = 32 * 1_024;

/** The worst level of a record: its lines', `error` when its code threw. */
export function worstLevel(record: Pick<InvocationRecord, "logs" | "exception" | "outcome">): number {
	let worst = record.exception || record.outcome === "exception" ? levelRank("error") : -1;
	for (const line of record.logs) worst = Math.max(worst, levelRank(line.level));
	return worst;
}
