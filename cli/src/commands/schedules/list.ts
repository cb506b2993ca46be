import { formatMs } from "../../../../workers/shared/format.ts";
import { defineCommand, jsonArg } from "../../core/command.ts";
import { formatTime } from "../../core/output.ts";
import { projectArgs, scriptFromArgs } from "../../project/config.ts";

export default defineCommand({
	meta: {
		description: "List a script's cron triggers and each one's last run (set them with [triggers] crons and ferry deploy)",
		examples: ["ferry schedules list            # the project's script", "ferry schedules list hello --json"],
	},
	args: {
		script: { type: "positional", required: false, description: "The script (default: the project's name)" },
		...projectArgs,
		...jsonArg,
	},
	async run({ args, io, out, session }) {
		const api = session.api();
		const script = await scriptFromArgs(args, io.cwd, "schedules list");
		const { schedules } = await api.listSchedules(script);
		if (args.json) return out.json({ script, schedules });
		out.table(
			["CRON", "LAST RUN", "OUTCOME", "DURATION"],
			schedules.map((s) => [
				s.cron,
				s.last_run ? formatTime(s.last_run.at) : "never",
				s.last_run?.outcome ?? "",
				s.last_run ? formatMs(s.last_run.duration_ms) : "",
			]),
			`${script} has no cron triggers.`,
		);
	},
});
