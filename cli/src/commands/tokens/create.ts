import { defineCommand, jsonArg } from "../../core/command.ts";

export default defineCommand({
	meta: { description: "Create an API token for your tenant (shown once)", examples: ["ferry tokens create --name ci"] },
	args: {
		name: { type: "string", valueHint: "NAME", description: "A label for the token (default: token)" },
		...jsonArg,
	},
	async run({ args, out, session }) {
		const { token } = await session.api().createToken(args.name);
		if (args.json) return out.json({ token });
		out.success(`Created token ${token.id} (${token.name}). It is shown this once; store it now:`);
		out.log(`  ${token.token}`);
	},
});
