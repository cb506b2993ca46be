import { defineCommand, jsonArg } from "../../core/command.ts";
import { formatTime } from "../../core/output.ts";

export default defineCommand({
	meta: { description: "List your tenant's API tokens (never their secrets)" },
	args: { ...jsonArg },
	async run({ args, out, session }) {
		const { tokens } = await session.api().listTokens();
		if (args.json) return out.json({ tokens });
		out.table(
			["ID", "NAME", "CREATED", "REVOKED", ""],
			tokens.map((t) => [t.id, t.name, formatTime(t.created_at), formatTime(t.revoked_at), t.current ? "(this one)" : ""]),
			"No tokens.",
		);
	},
});
