import { defineCommand } from "../../../core/command.ts";
import { namespaceArgs, namespaceFromArgs } from "../../../kv.ts";

export default defineCommand({
	meta: {
		description: "List the keys of one of your KV namespaces, as JSON (wrangler's output)",
		examples: ["ferry kv key list --binding CACHE --prefix user:"],
	},
	args: {
		prefix: { type: "string", valueHint: "PREFIX", description: "Only keys that start with this" },
		...namespaceArgs,
	},
	async run({ args, io, out, session }) {
		const namespace = await namespaceFromArgs(args, io);
		const api = session.api();
		const keys = [];
		// wrangler prints every key: follow the cursor to the end.
		for (let cursor: string | undefined; ; ) {
			const page = await api.kvKeys(namespace, { prefix: args.prefix, cursor });
			keys.push(...page.keys);
			if (page.list_complete || !page.cursor) break;
			cursor = page.cursor;
		}
		out.json(keys);
	},
});
