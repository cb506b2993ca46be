/**
 * No deployment left half-done: once the API is up, the deployments the last run left in progress
 * go to Error ("interrupted at <stage>"). Locally the API in the control process runs every
 * deployment's pipeline, so whatever was still Queued, Built or Loaded before this start was
 * interrupted by the last stop (Ctrl-C mid-deploy, a kill, a crash); a runtime or probe process the
 * supervisor replaces interrupts none. The API Worker does it (its `failInterrupted` method, reached
 * through the control process's Miniflare; the sweep its cron runs in production with a deadline
 * instead of a start time).
 *
 * Never rejects: a sweep that failed is said, and the next start (or the script's next deploy, which
 * sweeps that script's deployments past the deadline) tries again.
 */
import type { Miniflare } from "miniflare";

interface ApiWorkerRpc {
	failInterrupted(updatedBefore: number): Promise<number>;
}

export async function failInterruptedBefore(mf: Miniflare, apiWorker: string, startedAt: number): Promise<number> {
	try {
		const api = (await mf.getWorker(apiWorker)) as unknown as ApiWorkerRpc;
		const count = await api.failInterrupted(startedAt);
		if (count > 0)
			console.error(`[ferry] ${count} deployment${count === 1 ? " was" : "s were"} interrupted by the last stop and marked Error`);
		return count;
	} catch (error) {
		console.error("[ferry] could not mark the deployments the last stop interrupted:", error);
		return 0;
	}
}
