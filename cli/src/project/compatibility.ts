/**
 * The config half of "nothing dropped in silence": before anything is bundled, every key the
 * project's wrangler config sets is held against Ferry's compatibility table
 * (workers/shared/compatibility/, docs/compatibility.md), and a key Ferry refuses stops the deploy
 * in one line naming it.
 */
import path from "node:path";
import { configKeyProblem, WRANGLER_CONFIG } from "../../../workers/shared/compatibility/index.ts";
import { cronsProblem } from "../../../workers/shared/schedules/cron.ts";
import { UserError } from "../core/errors.ts";
import type { ProjectConfig } from "./config.ts";

export function checkCompatibility(config: ProjectConfig, cwd: string): void {
	const problems: string[] = [];
	for (const [key, value] of Object.entries(config.configured)) {
		// A key wrangler knows but the table does not (a newer wrangler): refused rather than ignored.
		const problem = Object.hasOwn(WRANGLER_CONFIG, key)
			? configKeyProblem(key, value)
			: `'${key}' is not a key Ferry knows (see docs/compatibility.md)`;
		if (problem) problems.push(problem);
	}
	// Cron triggers are honoured: held to the same rules the API holds them to (docs/cron.md).
	const crons = config.triggers?.crons;
	const cronProblem = crons && cronsProblem(crons);
	if (cronProblem) problems.unshift(`[triggers] crons: ${cronProblem}`);
	const [first, ...others] = problems;
	if (first === undefined) return;
	const file = configName(config, cwd);
	const more = others.length ? ` (and ${others.length} more: ${others.map((p) => p.slice(0, p.indexOf(" "))).join(", ")})` : "";
	throw new UserError(`${file}: ${first}${more}`);
}

const configName = (config: ProjectConfig, cwd: string) =>
	config.configPath ? path.relative(cwd, config.configPath) || config.configPath : "the config";

/**
 * The upload's `schedules` (Ferry's metadata field, Cloudflare's schedules shape) from the config's
 * `[triggers] crons`: a deploy replaces the script's cron triggers with them, as `wrangler deploy`
 * does. No `[triggers]`: none sent, and the script's stay as they are.
 */
export function schedulesOf(config: ProjectConfig | undefined): { schedules: { cron: string }[] } | undefined {
	const crons = config?.triggers?.crons;
	return crons ? { schedules: crons.map((cron: string) => ({ cron })) } : undefined;
}
