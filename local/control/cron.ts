/**
 * The local platform's minute tick for cron triggers (docs/cron.md): the supervisor calls it at the
 * start of every UTC minute (POST /minute on the Supervision surface). The due schedules are read
 * here, where D1 is, with the production fan-out's own statements (workers/shared/schedules/d1.ts);
 * each runtime process is handed the jobs of the scripts it serves (the slot the edge sends their
 * requests to), whose dispatcher runs them through its runtime adapter (dispatch/src/cron/); the runs
 * are recorded here. A script no runtime process serves right now is recorded "unavailable".
 */
import { log } from "../../workers/shared/log";
import { dueJobs, recordRuns } from "../../workers/shared/schedules/d1";
import type { ScheduledJob, ScheduledRun, SchedulerApi } from "../../workers/shared/schedules/runs";
import { schedulerBinding } from "./bindings";
import { added, slots } from "./state";

export async function runMinute(env: ControlEnv, minute: number): Promise<ScheduledRun[]> {
	const jobs = await dueJobs(env.DB, minute);
	const bySlot = new Map<number, ScheduledJob[]>();
	const unserved: ScheduledJob[] = [];
	for (const job of jobs) {
		const slot = slots.owner(job.target.label);
		if (slot === undefined) unserved.push(job);
		else bySlot.set(slot, [...(bySlot.get(slot) ?? []), job]);
	}
	const unavailable = (job: ScheduledJob): ScheduledRun => ({
		scriptId: job.target.scriptId,
		cron: job.cron,
		deploymentId: job.target.deploymentId,
		scheduledTime: minute,
		outcome: "unavailable",
		durationMs: 0,
	});
	const runs = (
		await Promise.all(
			[...bySlot].map(async ([slot, slotJobs]) => {
				const channel = slots.liveChannel(slot);
				try {
					if (!channel) throw new Error(`slot ${slot} went down`);
					return await added<SchedulerApi>(env, schedulerBinding(slot, channel.side)).run(slotJobs, minute);
				} catch (error) {
					// The process went away under the runs (killed as wedged, recycled): they did not happen here.
					log.warn("a runtime process did not run its scheduled invocations", { slot, jobs: slotJobs.length, error });
					return slotJobs.map(unavailable);
				}
			}),
		)
	).flat();
	runs.push(...unserved.map(unavailable));
	await recordRuns(env.DB, runs);
	return runs;
}
