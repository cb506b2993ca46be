import { defineCommand } from "../../../core/command.ts";
import { namespaceArgs, namespaceFromArgs } from "../../../kv.ts";

export default defineCommand({
	meta: { description: "Delete a key from one of your KV namespaces", examples: ["ferry kv key delete greeting --binding CACHE"] },
	args: { key: { type: "positional", description: "The key" }, ...namespaceArgs },
	async run({ args, io, out, session }) {
		const namespace = await namespaceFromArgs(args, io);
		await session.api().kvDelete(namespace, args.key);
		out.success(`Deleted ${args.key} from KV namespace ${namespace}`);
	},
});
