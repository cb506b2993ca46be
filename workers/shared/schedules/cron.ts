/**
 * Cron expressions as Cloudflare's Cron Triggers read them (docs/cron.md): five fields (minute, hour,
 * day of month, month, weekday), UTC, weekdays 1–7 from Sunday (Quartz's numbering, and `SUN`–`SAT`),
 * with `L`, `W` and `#`. Parsed and matched by croner (pinned), never by hand: the API and the CLI
 * check an expression with `cronProblem`, the fan-out asks `isDue` which schedules match a minute.
 */
import { Cron, type CronOptions } from "croner";
import { BoundedMap } from "../bounded-map.ts";
import { LIMITS } from "../limits.ts";

const OPTIONS: CronOptions = { mode: "5-part", alternativeWeekdays: true, timezone: "UTC" };

/** Numbers in the weekday field that name a day (not the n of `#n`): Cloudflare's are 1–7. */
const WEEKDAY_NUMBERS = /(?<![#\d])\d+/g;

/** Why Cloudflare would refuse `cron`, in a sentence that names it; undefined for a good one. */
export function cronProblem(cron: string): string | undefined {
	const shown = JSON.stringify(cron);
	if (cron.length > LIMITS.cronLength) return `cron ${shown.slice(0, 40)}… is longer than ${LIMITS.cronLength} characters`;
	if (cron.trim().startsWith("@"))
		return `cron ${shown} is a nickname: write its five fields (minute hour day-of-month month weekday), e.g. "0 0 * * *" for @daily`;
	const fields = cron.trim().split(/\s+/);
	if (fields.length !== 5)
		return `cron ${shown} has ${fields.length} field${fields.length === 1 ? "" : "s"}: a cron trigger has five (minute hour day-of-month month weekday)`;
	const weekday = fields[4]!;
	for (const [number] of weekday.matchAll(WEEKDAY_NUMBERS)) {
		const day = Number(number);
		if (day < 1 || day > 7) return `cron ${shown}: weekday ${number} is out of range: weekdays are 1–7 (1 is Sunday) or SUN–SAT`;
	}
	try {
		new Cron(cron, OPTIONS);
	} catch (error) {
		const reason = (error as Error).message.replace(/^CronPattern:\s*/, "");
		return `cron ${shown} is not a valid cron expression: ${reason}`;
	}
	return undefined;
}

/** The first problem of a list of crons (each valid, no repeats, within the limit); undefined when none. */
export function cronsProblem(crons: readonly string[]): string | undefined {
	if (crons.length > LIMITS.cronsPerScript)
		return `${crons.length} crons: a script has at most ${LIMITS.cronsPerScript} cron triggers (docs/limits.md)`;
	const seen = new Set<string>();
	for (const cron of crons) {
		const problem = cronProblem(cron);
		if (problem) return problem;
		if (seen.has(cron)) return `cron ${JSON.stringify(cron)} is given twice`;
		seen.add(cron);
	}
	return undefined;
}

/** Parsed expressions, per isolate: the fan-out asks about the same few every minute. */
const parsed = new BoundedMap<string, Cron>({ maxEntries: 10_000 });

/** Whether `cron` (a valid expression) fires at the minute that starts at `minute` (ms since the epoch, UTC). */
export function isDue(cron: string, minute: number): boolean {
	let pattern = parsed.get(cron);
	if (!pattern) {
		pattern = new Cron(cron, OPTIONS);
		parsed.set(cron, pattern);
	}
	return pattern.match(new Date(startOfMinute(minute)));
}

/** The start of the UTC minute `at` falls in. */
export const startOfMinute = (at: number): number => at - (((at % 60_000) + 60_000) % 60_000);
