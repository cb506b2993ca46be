import { CancelledError } from "../../../workers/shared/api-client/errors.ts";
import { defineCommand } from "../core/command.ts";
import { projectArgs, scriptFromArgs } from "../project/config.ts";
import { filterArgs, filterQuery } from "../telemetry/filters.ts";
import { formatInvocation } from "../telemetry/format.ts";

export default defineCommand({
	meta: {
		description: "Follow a script's invocations live: each request as it is answered, with its console lines (Ctrl-C stops)",
		examples: [
			"ferry tail                      # the project's script",
			"ferry tail hello --status error --search timeout",
			"ferry tail hello --sampling 0.1 --format json | jq .path",
		],
	},
	args: {
		script: { type: "positional", required: false, description: "The script (default: the project's name)" },
		...filterArgs,
		sampling: { type: "string", valueHint: "SHARE", description: "Show this share of the invocations (0-1, e.g. 0.1), for busy scripts" },
		format: { type: "enum", options: ["pretty", "json"], default: "pretty", description: "pretty lines, or one JSON record per line" },
		...projectArgs,
	},
	async run({ args, io, out, session }) {
		const script = await scriptFromArgs(args, io.cwd, "tail");
		const json = args.format === "json";
		try {
			for await (const event of session.api().tail(script, { ...filterQuery(args), sampling: args.sampling })) {
				if (event.type === "ready") {
					if (!json) out.hint(`tailing ${script}; Ctrl-C stops`);
				} else if (event.type === "invocation") {
					if (json) io.stdout.write(`${JSON.stringify(event.invocation)}\n`);
					else for (const line of formatInvocation(event.invocation, out.style)) out.log(line);
				} else if (event.reason === "rate")
					out.warn(
						`${event.count} invocations not shown: more than the tail's rate; narrow it with --status or --search, or use --sampling`,
					);
			}
		} catch (error) {
			// Ctrl-C is how a tail ends: not a failure, nothing left behind.
			if (error instanceof CancelledError) return;
			throw error;
		}
	},
});
