import { CancelledError } from "../../../workers/shared/api-client/errors.ts";
import { EVENT_TYPES } from "../../../workers/shared/telemetry/events.ts";
import { defineCommand, jsonArg } from "../core/command.ts";
import { UserError } from "../core/errors.ts";
import { formatEvent } from "../telemetry/events.ts";

export default defineCommand({
	meta: {
		description:
			"Show what happened to your scripts: deploys, failed deploys, rollbacks, deletes, secrets, cron triggers, monthly budget stops; --follow for live",
		examples: [
			"ferry events                         # the last 50, oldest first",
			"ferry events --script hello --type deploy_failed --since 7d",
			"ferry events --follow                # as they happen (Ctrl-C stops)",
		],
	},
	args: {
		type: { type: "enum", options: [...EVENT_TYPES], description: "Only this type of event" },
		script: { type: "string", valueHint: "NAME", description: "Only this script's events" },
		since: { type: "string", valueHint: "WHEN", description: "After: a duration ago (30m, 1h, 7d) or an ISO time (not with --follow)" },
		limit: { type: "string", valueHint: "N", default: "50", description: "How many (1-100)" },
		cursor: { type: "string", valueHint: "CURSOR", description: "Older events: the cursor the last page printed (not with --follow)" },
		follow: { type: "boolean", description: "Stay and print each event as it happens, until Ctrl-C" },
		...jsonArg,
	},
	async run({ args, io, out, session }) {
		const filters = { type: args.type, script: args.script };
		if (args.follow) {
			const refused = (["since", "cursor"] as const).find((name) => args[name] !== undefined);
			if (refused) throw new UserError(`--${refused} lists past events; --follow shows new ones: use one or the other`);
			try {
				for await (const item of session.api().liveEvents(filters)) {
					if (item.type === "ready") {
						if (!args.json) out.hint("following your events; Ctrl-C stops");
					} else if (args.json) io.stdout.write(`${JSON.stringify(item.event)}\n`);
					else out.log(formatEvent(item.event, out.style));
				}
			} catch (error) {
				// Ctrl-C is how following ends: not a failure.
				if (error instanceof CancelledError) return;
				throw error;
			}
			return;
		}
		const page = await session.api().events({ ...filters, since: args.since, limit: args.limit, cursor: args.cursor });
		if (args.json) return out.json(page);
		if (page.events.length === 0) return out.log("No events match.");
		// Newest first from the API; read top to bottom, oldest first.
		for (const event of [...page.events].reverse()) out.log(formatEvent(event, out.style));
		if (page.cursor) out.hint(`older events: ferry events --cursor ${page.cursor}`);
	},
});
