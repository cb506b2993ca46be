/**
 * A test hook, off unless the local platform is started with FERRY_TEST_DEPLOY_HOLD in its
 * environment (local/dev.ts passes it to the API Worker; no wrangler config, local or production,
 * declares it). Its value names where deployments of which scripts stop: `Queued:a,Built:b` holds
 * every deployment of script `a` right after it is stored Queued, and of `b` after Built, for ten
 * minutes. The reliability tests kill the platform while deployments are held, to see what a stop
 * at that point leaves behind (test/reliability/interrupted.test.ts).
 */
import type { DeploymentState } from "../../../shared/deployments/states";

export type DeployHold = (state: DeploymentState) => Promise<void>;

const HOLD_MS = 10 * 60_000;

/** The hold for deployments of `script`, or undefined (the hook is off, or names other scripts). */
export function deployHold(setting: string | undefined, script: string): DeployHold | undefined {
	if (!setting) return undefined;
	const states = new Set(
		setting
			.split(",")
			.map((pair) => pair.trim().split(":"))
			.filter(([, name]) => name === script)
			.map(([state]) => state),
	);
	if (states.size === 0) return undefined;
	// A timer, not a promise that never settles: workerd cancels a request whose code waits on nothing.
	return async (state) => {
		if (states.has(state)) await scheduler.wait(HOLD_MS);
	};
}
