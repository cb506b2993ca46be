import { defineCommand } from "../../../core/command.ts";
import { namespaceArgs, namespaceFromArgs } from "../../../kv.ts";

export default defineCommand({
	meta: {
		description: "Delete one of your KV namespaces and every key in it (deleting a script never does)",
		examples: ["ferry kv namespace delete --binding CACHE"],
	},
	args: { ...namespaceArgs },
	async run({ args, io, out, session }) {
		const namespace = await namespaceFromArgs(args, io);
		await session.api().deleteResource("kv_namespace", namespace);
		out.success(`Deleted KV namespace ${namespace} and its data`);
	},
});
