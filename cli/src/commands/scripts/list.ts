import { defineCommand, jsonArg } from "../../core/command.ts";
import { formatTime } from "../../core/output.ts";

export default defineCommand({
	meta: { description: "List your scripts, with their live deployment and URL" },
	args: { ...jsonArg },
	async run({ args, out, session }) {
		const { scripts } = await session.api().listScripts();
		if (args.json) return out.json({ scripts });
		out.table(
			["NAME", "LIVE DEPLOYMENT", "URL", "CREATED"],
			scripts.map((s) => [s.name, s.live_deployment_id ?? "-", s.url ?? "-", formatTime(s.created_at)]),
			"No scripts yet: deploy one with 'ferry deploy'.",
		);
	},
});
