import { defineCommand, jsonArg } from "../../core/command.ts";
import { formatTime } from "../../core/output.ts";
import { scriptArgs, scriptOf } from "./shared.ts";

export default defineCommand({
	meta: { description: "List a script's secrets: names and when each was set, never their values" },
	args: { ...scriptArgs, ...jsonArg },
	async run({ args, io, out, session }) {
		const script = await scriptOf(args, io.cwd, "secret list");
		const { secrets } = await session.api().listSecrets(script);
		if (args.json) return out.json({ secrets });
		out.table(
			["NAME", "TYPE", "UPDATED"],
			secrets.map((s) => [s.name, s.type, formatTime(s.updated_at)]),
			`${script} has no secrets.`,
		);
	},
});
