import { defineCommand } from "../../../core/command.ts";
import { namespaceArgs, namespaceFromArgs } from "../../../kv.ts";

export default defineCommand({
	meta: {
		description: "Print a key's value (as text) from one of your KV namespaces",
		examples: ["ferry kv key get greeting --binding CACHE", "ferry kv key get greeting --namespace-id cache"],
	},
	args: { key: { type: "positional", description: "The key" }, ...namespaceArgs },
	async run({ args, io, session }) {
		const namespace = await namespaceFromArgs(args, io);
		// As text, as wrangler prints it (a binary value is better read by the Worker or over the API).
		io.stdout.write(new TextDecoder().decode(await session.api().kvGet(namespace, args.key)));
	},
});
