import { defineCommand, jsonArg } from "../core/command.ts";
import { projectArgs, scriptFromArgs } from "../project/config.ts";
import { filterArgs, filterQuery } from "../telemetry/filters.ts";
import { formatInvocation } from "../telemetry/format.ts";

export default defineCommand({
	meta: {
		description: "Show a script's recent invocations: status, duration, console lines, exceptions",
		examples: [
			"ferry logs                      # the project's script, the last 50 invocations",
			"ferry logs hello --since 1h --status error",
			"ferry logs hello --search timeout --limit 100",
		],
	},
	args: {
		script: { type: "positional", required: false, description: "The script (default: the project's name)" },
		since: { type: "string", valueHint: "WHEN", description: "Started after: a duration ago (30m, 1h, 7d) or an ISO time" },
		until: { type: "string", valueHint: "WHEN", description: "Started before: a duration ago or an ISO time" },
		...filterArgs,
		limit: { type: "string", valueHint: "N", default: "50", description: "How many (1-100)" },
		cursor: { type: "string", valueHint: "CURSOR", description: "Older invocations: the cursor the last page printed" },
		...projectArgs,
		...jsonArg,
	},
	async run({ args, io, out, session }) {
		const script = await scriptFromArgs(args, io.cwd, "logs");
		const page = await session.api().scriptLogs(script, {
			since: args.since,
			until: args.until,
			...filterQuery(args),
			limit: args.limit,
			cursor: args.cursor,
		});
		if (args.json) return out.json(page);
		if (page.invocations.length === 0) return out.log(`No invocations of ${script} match.`);
		// Newest first from the API; read top to bottom, oldest first.
		for (const record of [...page.invocations].reverse()) for (const line of formatInvocation(record, out.style)) out.log(line);
		if (page.cursor) out.hint(`older invocations: ferry logs ${script} --cursor ${page.cursor}`);
	},
});
