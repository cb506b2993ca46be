import { defineCommand, jsonArg } from "../core/command.ts";
import { configPath, readStoredConfig, removeStoredConfig } from "../session/config-file.ts";

export default defineCommand({
	meta: {
		description: "Forget the stored login (--revoke also revokes its token on the platform)",
		examples: ["ferry logout", "ferry logout --revoke"],
	},
	args: {
		revoke: { type: "boolean", description: "Revoke the stored token on the platform first, so it stops working everywhere" },
		...jsonArg,
	},
	async run({ args, io, out, session }) {
		const file = configPath(io.env);
		let revoked: string | undefined;
		// Only --revoke needs to read the file: a damaged one can always be removed.
		const stored = args.revoke ? readStoredConfig(io.env) : undefined;
		if (stored) {
			const api = session.client(stored.api_url, stored.token);
			revoked = (await api.revokeToken((await api.whoami()).token.id)).token.id;
		}
		const removed = removeStoredConfig(io.env);
		if (args.json) return out.json({ logged_out: removed, config_path: file, revoked_token_id: revoked ?? null });
		if (!removed) out.log(`Not logged in: there is no stored login at ${file}`);
		else out.success(`Logged out: removed ${file}${revoked ? ` and revoked token ${revoked}` : ""}`);
		if (io.env.FERRY_API_TOKEN) out.warn("FERRY_API_TOKEN is still set in this environment and still logs commands in");
	},
});
