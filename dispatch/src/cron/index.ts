/**
 * Cron triggers on the request path's side (docs/cron.md): running a minute's due schedules through
 * the runtime adapter (the same one requests go through, with the tenant's plan limits), and the
 * dispatcher's own cron in production, which fans out to every script that is due. Locally the
 * control process picks the due schedules and hands each runtime process the ones of the scripts it
 * serves (its Scheduler entrypoint, local/control/cron.ts); the running is this code either way.
 *
 * The Scheduler entrypoint also runs tenants' Durable Object alarms locally: the control process's
 * clock (local/control/object-alarms.ts) hands each due alarm to the process that serves its script.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { LIMITS } from "../../../workers/shared/limits";
import { log } from "../../../workers/shared/log";
import type { AlarmOutcome, ObjectAlarmRunner, ObjectOwner } from "../../../workers/shared/resources/durable-objects";
import type { RuntimeAdapter } from "../../../workers/shared/runtime/route";
import { startOfMinute } from "../../../workers/shared/schedules/cron";
import { dueJobs, recordRuns } from "../../../workers/shared/schedules/d1";
import type { ScheduledJob, ScheduledRun, SchedulerApi } from "../../../workers/shared/schedules/runs";
import { hostOf } from "../resources/durable-objects";
import { runtimeFor } from "../runtime";
import { WallClockExceeded, withinWallClock } from "../runtime/wall-clock";

/** Scheduled invocations started at once by one runner; the rest wait for a place. */
const CONCURRENCY = 32;

/** Runs each job's scheduled handler; resolves with one run record per job, whatever happened to it. */
export async function runJobs(runtime: RuntimeAdapter, jobs: readonly ScheduledJob[], scheduledTime: number): Promise<ScheduledRun[]> {
	const runs: ScheduledRun[] = [];
	let next = 0;
	const worker = async () => {
		while (next < jobs.length) {
			const job = jobs[next++]!;
			runs.push(await runJob(runtime, job, scheduledTime));
		}
	};
	await Promise.all(Array.from({ length: Math.min(CONCURRENCY, jobs.length) }, worker));
	return runs;
}

async function runJob(runtime: RuntimeAdapter, { cron, target }: ScheduledJob, scheduledTime: number): Promise<ScheduledRun> {
	const base = { scriptId: target.scriptId, cron, deploymentId: target.deploymentId, scheduledTime };
	// Quarantined (it stopped a local runtime process): its code does not run until the time passes, for crons too.
	if (target.quarantinedUntil !== null && target.quarantinedUntil > Date.now()) return { ...base, outcome: "quarantined", durationMs: 0 };
	const started = performance.now();
	try {
		const { outcome } = await runtime.scheduled(target, { cron, scheduledTime });
		return { ...base, outcome, durationMs: performance.now() - started };
	} catch (error) {
		log.warn("a scheduled invocation could not run", { deploymentId: target.deploymentId, cron, error });
		return { ...base, outcome: "unavailable", durationMs: performance.now() - started };
	}
}

/** A minute of the production dispatcher's own cron: every due schedule run, every run recorded. */
export async function fanOut(env: DispatchEnv, at: number): Promise<ScheduledRun[]> {
	if (!env.DB) throw new Error("the dispatcher's cron needs its DB binding (production's [env.production])");
	const minute = startOfMinute(at);
	const jobs = await dueJobs(env.DB, minute);
	const runs = await runJobs(runtimeFor(env), jobs, minute);
	await recordRuns(env.DB, runs);
	return runs;
}

/** The Scheduler entrypoint: runs the jobs and the objects' alarms of the scripts this process serves (local only; see above). */
export class Scheduler extends WorkerEntrypoint<DispatchEnv> implements SchedulerApi, ObjectAlarmRunner {
	run(jobs: ScheduledJob[], scheduledTime: number): Promise<ScheduledRun[]> {
		return runJobs(runtimeFor(this.env), jobs, scheduledTime);
	}

	/** One object's alarm, within the wall-clock bound requests have (locally nothing else stops an alarm() that never settles). */
	async objectAlarm(owner: ObjectOwner, id: string, scheduledTime: number, retryCount: number): Promise<AlarmOutcome> {
		const limitMs = Number(this.env.WALL_CLOCK_LIMIT_MS) || LIMITS.requestWallClockMs;
		try {
			return await withinWallClock(hostOf(this.env, owner, id).runAlarm(owner, id, scheduledTime, retryCount), limitMs);
		} catch (error) {
			if (error instanceof WallClockExceeded) return "failed";
			throw error;
		}
	}
}
