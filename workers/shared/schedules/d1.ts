/**
 * The cron fan-out's storage (docs/cron.md), over the platform's D1: which live deployments have a
 * cron that fires at minute T, and each run's record on its schedule. The same statements run in the
 * production dispatcher's own cron and in the local control process's minute tick.
 */
import { budgetStopOf } from "../budgets";
import { ROUTE_COLUMNS, ROUTES_FROM } from "../platform/d1";
import type { RouteTarget } from "../runtime/route";
import { isDue, startOfMinute } from "./cron";
import type { ScheduledJob, ScheduledRun } from "./runs";

export type { ScheduledJob, ScheduledRun } from "./runs";

const JOBS_QUERY = `SELECT c.cron AS cron, ${ROUTE_COLUMNS} FROM ${ROUTES_FROM}
	JOIN schedules c ON c.script_id = r.script_id
	WHERE r.kind = 'live' AND s.deleted_at IS NULL`;

/**
 * The crons that fire at the minute `at` falls in (UTC), each with its script's live target. One
 * read of every schedule; matching is croner's, in this isolate (docs/cron.md has the scale this
 * holds up to).
 */
export async function dueJobs(db: D1Database, at: number): Promise<ScheduledJob[]> {
	const minute = startOfMinute(at);
	const { results } = await db.prepare(JOBS_QUERY).all<RouteTarget & { cron: string }>();
	// A tenant past its monthly budget runs no crons either (workers/shared/budgets/).
	return results
		.filter((row) => isDue(row.cron, minute) && budgetStopOf(row, minute) === null)
		.map(({ cron, ...target }) => ({ cron, target }));
}

/** D1's statements per batch are bounded; a minute's runs go in chunks. */
const RUNS_PER_BATCH = 50;

/** Writes each run as its schedule's last run, unless a later minute's run is already there (a cron removed since: nothing). */
export async function recordRuns(db: D1Database, runs: readonly ScheduledRun[]): Promise<void> {
	const update = db.prepare(`UPDATE schedules SET last_run_at = ?3, last_outcome = ?4, last_duration_ms = ?5, last_deployment_id = ?6
		WHERE script_id = ?1 AND cron = ?2 AND (last_run_at IS NULL OR last_run_at <= ?3)`);
	for (let i = 0; i < runs.length; i += RUNS_PER_BATCH)
		await db.batch(
			runs
				.slice(i, i + RUNS_PER_BATCH)
				.map((run) => update.bind(run.scriptId, run.cron, run.scheduledTime, run.outcome, Math.round(run.durationMs), run.deploymentId)),
		);
}
