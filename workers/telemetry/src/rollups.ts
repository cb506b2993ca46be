/**
 * Per-minute rollups of one script's invocations, per deployment, and its monthly usage, kept in
 * its ScriptTelemetry object's SQLite beside the records (docs/telemetry.md, "Metrics"). Written as
 * each batch of records arrives; durations as histograms (workers/shared/telemetry/histogram.ts) so a
 * step of any length still has percentiles.
 */
import { type Histogram, percentile } from "../../shared/telemetry/histogram";
import {
	MAX_POINTS,
	type MetricsAnswer,
	type MetricsPoint,
	type MetricsQuery,
	monthOf,
	ROLLUP_RETENTION_MS,
	type ScriptTotals,
	type ScriptUsage,
	STATUS_CLASSES,
	STEPS,
	USAGE_MONTHS,
} from "../../shared/telemetry/metrics";
import { addMinute as add, emptyMinute as empty, MINUTE_MS, type Minute, type RollupCounts } from "../../shared/telemetry/rows";
import { iso } from "../../shared/time";

interface MinuteRow extends Record<string, SqlStorageValue> {
	minute: number;
	deployment: string;
	requests: number;
	errors: number;
	status: string;
	wall: string;
	cpu: string;
}

const TRIM_EVERY_MS = 3_600_000;

function pointOf(time: number, minute: Minute): MetricsPoint {
	const status = Object.fromEntries(STATUS_CLASSES.map((name, i) => [name, minute.status[i] ?? 0])) as MetricsPoint["status"];
	const p = (histogram: Histogram, q: number) => percentile(histogram, q)!;
	return {
		time: iso(time),
		requests: minute.requests,
		errors: minute.errors,
		status,
		wall_ms: minute.requests > 0 ? { p50: p(minute.wall, 50), p95: p(minute.wall, 95), p99: p(minute.wall, 99) } : null,
		cpu_ms: Object.keys(minute.cpu).length > 0 ? { p50: p(minute.cpu, 50), p99: p(minute.cpu, 99) } : null,
	};
}

export class Rollups {
	private trimmed = 0;

	constructor(private readonly sql: SqlStorage) {
		sql.exec(`CREATE TABLE IF NOT EXISTS minutes (
			minute INTEGER NOT NULL,
			deployment TEXT NOT NULL,
			requests INTEGER NOT NULL,
			errors INTEGER NOT NULL,
			status TEXT NOT NULL,
			wall TEXT NOT NULL,
			cpu TEXT NOT NULL,
			PRIMARY KEY (minute, deployment)
		)`);
		sql.exec(`CREATE TABLE IF NOT EXISTS months (
			month TEXT PRIMARY KEY,
			requests INTEGER NOT NULL,
			cpu_ms REAL NOT NULL,
			wall_ms REAL NOT NULL
		)`);
	}

	/** Adds a batch's counts (workers/shared/telemetry/rows.ts) to their minutes and months. */
	add({ minutes, months }: RollupCounts): void {
		for (const { minute, deployment, value } of minutes) {
			const [row] = this.sql.exec<MinuteRow>("SELECT * FROM minutes WHERE minute = ? AND deployment = ?", minute, deployment).toArray();
			if (row) add(value, this.minuteOf(row));
			this.sql.exec(
				"INSERT OR REPLACE INTO minutes (minute, deployment, requests, errors, status, wall, cpu) VALUES (?, ?, ?, ?, ?, ?, ?)",
				minute,
				deployment,
				value.requests,
				value.errors,
				JSON.stringify(value.status),
				JSON.stringify(value.wall),
				JSON.stringify(value.cpu),
			);
		}
		for (const usage of months)
			this.sql.exec(
				`INSERT INTO months (month, requests, cpu_ms, wall_ms) VALUES (?, ?, ?, ?)
				ON CONFLICT (month) DO UPDATE SET requests = requests + excluded.requests, cpu_ms = cpu_ms + excluded.cpu_ms, wall_ms = wall_ms + excluded.wall_ms`,
				usage.month,
				usage.requests,
				usage.cpu_ms,
				usage.wall_ms,
			);
		this.trim();
	}

	metrics(query: MetricsQuery): MetricsAnswer {
		const stepMs = STEPS[query.step];
		const start = Math.floor(query.since / stepMs) * stepMs;
		const count = Math.min(MAX_POINTS, Math.max(1, Math.ceil((query.until - start) / stepMs)));
		const end = start + count * stepMs;
		const rows = this.sql
			.exec<MinuteRow>(
				`SELECT * FROM minutes WHERE minute >= ? AND minute < ? ${query.deployment ? "AND deployment = ?" : ""} ORDER BY minute`,
				start,
				end,
				...(query.deployment ? [query.deployment] : []),
			)
			.toArray();
		const series = () => Array.from({ length: count }, empty);
		const all = series();
		const byDeployment = new Map<string, Minute[]>();
		for (const row of rows) {
			const index = Math.floor((row.minute - start) / stepMs);
			const minute = this.minuteOf(row);
			add(all[index]!, minute);
			const own = byDeployment.get(row.deployment) ?? series();
			byDeployment.set(row.deployment, own);
			add(own[index]!, minute);
		}
		const points = (steps: Minute[]) => steps.map((step, i) => pointOf(start + i * stepMs, step));
		const total = (steps: Minute[]) => steps.reduce((sum, step) => sum + step.requests, 0);
		return {
			since: iso(start),
			until: iso(end),
			step: query.step,
			points: points(all),
			deployments: [...byDeployment]
				.sort((a, b) => total(b[1]) - total(a[1]))
				.map(([deployment_id, steps]) => ({ deployment_id, points: points(steps) })),
		};
	}

	/** The invocations and errors of the minutes from `since` (rounded down to its minute) to `until`. */
	totals(since: number, until: number): ScriptTotals {
		const [row] = this.sql
			.exec<{ requests: number; errors: number }>(
				"SELECT COALESCE(SUM(requests), 0) AS requests, COALESCE(SUM(errors), 0) AS errors FROM minutes WHERE minute >= ? AND minute < ?",
				Math.floor(since / MINUTE_MS) * MINUTE_MS,
				until,
			)
			.toArray();
		return { requests: row?.requests ?? 0, errors: row?.errors ?? 0 };
	}

	/** The script's use in a month (`YYYY-MM`); zeros for a month without invocations. */
	usage(month: string): ScriptUsage {
		const [row] = this.sql
			.exec<{ requests: number; cpu_ms: number; wall_ms: number }>("SELECT requests, cpu_ms, wall_ms FROM months WHERE month = ?", month)
			.toArray();
		return row
			? { requests: row.requests, cpu_ms: Math.round(row.cpu_ms), wall_ms: Math.round(row.wall_ms) }
			: { requests: 0, cpu_ms: 0, wall_ms: 0 };
	}

	private minuteOf(row: MinuteRow): Minute {
		return {
			requests: row.requests,
			errors: row.errors,
			status: JSON.parse(row.status) as number[],
			wall: JSON.parse(row.wall) as Histogram,
			cpu: JSON.parse(row.cpu) as Histogram,
		};
	}

	private trim(): void {
		const now = Date.now();
		if (now - this.trimmed < TRIM_EVERY_MS) return;
		this.trimmed = now;
		this.sql.exec("DELETE FROM minutes WHERE minute < ?", now - ROLLUP_RETENTION_MS);
		const oldest = new Date(now);
		oldest.setUTCMonth(oldest.getUTCMonth() - (USAGE_MONTHS - 1), 1);
		this.sql.exec("DELETE FROM months WHERE month < ?", monthOf(oldest.getTime()));
	}
}
