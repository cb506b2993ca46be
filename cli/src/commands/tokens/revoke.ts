import { defineCommand, jsonArg } from "../../core/command.ts";

export default defineCommand({
	meta: { description: "Revoke an API token: it stops working at once", examples: ["ferry tokens revoke k3v9q2m1xz"] },
	args: {
		id: { type: "positional", description: "The token's id (from ferry tokens list)" },
		...jsonArg,
	},
	async run({ args, out, session }) {
		const api = session.api();
		const current = (await api.whoami()).token.id;
		const { token } = await api.revokeToken(args.id);
		if (args.json) return out.json({ token });
		out.success(`Revoked token ${token.id} (${token.name})`);
		if (token.id === current) out.warn("that was the token this CLI is logged in with: log in again with another token");
	},
});
