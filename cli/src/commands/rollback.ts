import { defineCommand, jsonArg } from "../core/command.ts";
import { projectArgs, scriptFromArgs } from "../project/config.ts";

export default defineCommand({
	meta: {
		description: "Point a script back at an earlier Deployed deployment (nothing is rebuilt)",
		examples: [
			"ferry rollback                 # the project's script, to the deployment before the live one",
			"ferry rollback hello --to k3v9q2m1xz",
		],
	},
	args: {
		script: { type: "positional", required: false, description: "The script (default: the project's name)" },
		to: {
			type: "string",
			valueHint: "DEPLOYMENT_ID",
			description: "The deployment to serve (default: the Deployed one before the live one)",
		},
		...projectArgs,
		...jsonArg,
	},
	async run({ args, io, out, session }) {
		const api = session.api();
		const script = await scriptFromArgs(args, io.cwd, "rollback");
		const result = await api.rollback(script, args.to);
		if (args.json) return out.json(result);
		const was =
			result.previous_deployment_id && result.previous_deployment_id !== result.deployment.id
				? ` (was ${result.previous_deployment_id})`
				: "";
		out.success(`${script} now serves deployment ${result.deployment.id}${was}`);
		out.fields([["URL", result.url]]);
	},
});
