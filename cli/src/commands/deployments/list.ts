import { formatBytes } from "../../../../workers/shared/format.ts";
import { defineCommand, jsonArg } from "../../core/command.ts";
import { UserError } from "../../core/errors.ts";
import { formatTime } from "../../core/output.ts";
import { projectArgs, scriptFromArgs } from "../../project/config.ts";

export default defineCommand({
	meta: {
		description: "List a script's deployments, newest first",
		examples: ["ferry deployments list            # the project's script", "ferry deployments list hello --limit 5"],
	},
	args: {
		script: { type: "positional", required: false, description: "The script (default: the project's name)" },
		limit: { type: "string", valueHint: "N", default: "20", description: "How many (1-200)" },
		...projectArgs,
		...jsonArg,
	},
	async run({ args, io, out, session }) {
		const limit = Number(args.limit);
		if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new UserError(`--limit '${args.limit}' is not a number from 1 to 200`);
		const api = session.api();
		const script = await scriptFromArgs(args, io.cwd, "deployments list");
		const { deployments } = await api.listDeployments(script, limit);
		if (args.json) return out.json({ deployments });
		out.table(
			["ID", "STATE", "LIVE", "CREATED", "SIZE", "ERROR"],
			deployments.map((d) => [
				d.id,
				d.state,
				d.live ? "live" : "",
				formatTime(d.created_at),
				formatBytes(d.size_bytes),
				d.error ? `${d.error.stage}: ${d.error.message}` : "",
			]),
			`${script} has no deployments.`,
		);
	},
});
