/**
 * The API Worker: the control-plane app (./app.ts) for HTTP, the sweep that ends interrupted
 * deployments (run by its cron in production and once at every local start), and the monthly budget
 * check (run by its cron in production and by the local platform's minute tick).
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { openDatabase } from "../../shared/db";
import { log } from "../../shared/log";
import { app } from "./app";
import { checkBudgets } from "./budgets";
import { failInterrupted, INTERRUPTED_AFTER_MS } from "./deploy/store";

export { Quarantine } from "./quarantine";

export default class ApiWorker extends WorkerEntrypoint<ApiEnv> {
	override fetch(request: Request): Response | Promise<Response> {
		return app.fetch(request, this.env, this.ctx);
	}

	/** The cron (`[env.production.triggers]`): whatever is still in progress INTERRUPTED_AFTER_MS after its last move was interrupted. */
	override async scheduled(controller: ScheduledController): Promise<void> {
		await Promise.all([this.failInterrupted(controller.scheduledTime - INTERRUPTED_AFTER_MS), this.checkBudgets(controller.scheduledTime)]);
	}

	/**
	 * Stops the tenants whose use this month reached a budget of their plan (./budgets/): their scripts
	 * answer 429 from the next request on. Run every minute, by the cron in production and the local
	 * platform's minute tick; returns the tenant ids stopped.
	 */
	async checkBudgets(now: number): Promise<string[]> {
		try {
			return await checkBudgets(this.env, openDatabase(this.env.DB), now);
		} catch (error) {
			// The next minute tries again; the cron's other work is not held up.
			log.error("the budget check failed", { error });
			return [];
		}
	}

	/**
	 * Every deployment still Queued, Built or Loaded whose last transition is older than
	 * `updatedBefore` goes to Error ("interrupted at <stage>"); returns how many did. An RPC method for
	 * the local platform, which calls it once the API is up with the time it started: locally the
	 * control process runs every deployment's pipeline, so whatever was in progress before it started
	 * was interrupted.
	 */
	async failInterrupted(updatedBefore: number): Promise<number> {
		const failed = await failInterrupted(openDatabase(this.env.DB), { updatedBefore });
		if (failed.length > 0) log.warn("interrupted deployments marked Error", { count: failed.length, deployments: failed });
		return failed.length;
	}
}
