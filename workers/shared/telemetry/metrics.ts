/**
 * Metrics and usage of a script, from the per-minute rollups its ScriptTelemetry object keeps
 * (workers/telemetry/src/rollups.ts): the shapes the API answers with (docs/api.md, "Metrics",
 * "Usage") and the steps a query may ask for.
 */
export const STEPS = { "1m": 60_000, "5m": 300_000, "15m": 900_000, "1h": 3_600_000, "1d": 86_400_000 } as const;
export type Step = keyof typeof STEPS;
export const STEP_NAMES = Object.keys(STEPS) as Step[];

/** A query covers at most this many steps. */
export const MAX_POINTS = 1_440;
/** Per-minute rollups are kept this long. */
export const ROLLUP_RETENTION_MS = 35 * 86_400_000;
/** Monthly usage is kept this many months (the current one included). */
export const USAGE_MONTHS = 13;

export const STATUS_CLASSES = ["1xx", "2xx", "3xx", "4xx", "5xx"] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

export interface MetricsQuery {
	/** Start of the first step (aligned to the step), ms since the epoch. */
	since: number;
	until: number;
	step: Step;
	deployment?: string;
}

export interface MetricsPoint {
	/** The step's start. */
	time: string;
	/** Invocations started in the step (fetch, scheduled, …). */
	requests: number;
	/** Those that threw, exceeded a limit or answered 5xx. */
	errors: number;
	status: Record<StatusClass, number>;
	/** Null for a step without invocations. */
	wall_ms: { p50: number; p95: number; p99: number } | null;
	/** Null where the runtime reports no CPU time (locally) or the step had no invocations. */
	cpu_ms: { p50: number; p99: number } | null;
}

export interface MetricsAnswer {
	since: string;
	until: string;
	step: Step;
	/** Every deployment's invocations together. */
	points: MetricsPoint[];
	/** The same, one series per deployment that ran in the range, most invocations first. */
	deployments: { deployment_id: string; points: MetricsPoint[] }[];
}

/** One script's invocations and errors in a time range, counted by the minute (`GET /v1/metrics`). */
export interface ScriptTotals {
	requests: number;
	errors: number;
}

/** One script's use in a month: what budgets count. */
export interface ScriptUsage {
	requests: number;
	/** Sum of the invocations' CPU time; 0 where the runtime reports none (locally). */
	cpu_ms: number;
	wall_ms: number;
}

/** `YYYY-MM` of a time, in UTC. */
export const monthOf = (time: number): string => new Date(time).toISOString().slice(0, 7);
