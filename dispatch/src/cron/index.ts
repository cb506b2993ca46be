/**
 * Cron triggers on the request path's side (docs/cron.md): running a minute's due schedules through
 * the runtime adapter (the same one requests go through, with the tenant's plan limits), and the
 * dispatcher's own cron in production, which fans out to every script that is due. Locally the
 * control process picks the due schedules and hands each runtime process the ones of the scripts it
 * serves (its Scheduler entrypoint, local/control/cron.ts); the running is this code either way.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { log } from "../../../workers/shared/log";
import type { RuntimeAdapter } from "../../../workers/shared/runtime/route";
import { startOfMinute } from "../../../workers/shared/schedules/cron";
import { dueJobs, recordRuns } from "../../../workers/shared/schedules/d1";
import type { ScheduledJob, ScheduledRun, SchedulerApi } from "../../../workers/shared/schedules/runs";
import { runtimeFor } from "../runtime";

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

/** The Scheduler entrypoint: runs the jobs of the scripts this process serves (local only; see above). */
export class Scheduler extends WorkerEntrypoint<DispatchEnv> implements SchedulerApi {
	run(jobs: ScheduledJob[], scheduledTime: number): Promise<ScheduledRun[]> {
		return runJobs(runtimeFor(this.env), jobs, scheduledTime);
	}
}
