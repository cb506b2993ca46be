import { readFile } from "node:fs/promises";
import path from "node:path";
import { defineCommand } from "../../../core/command.ts";
import { UserError } from "../../../core/errors.ts";
import { namespaceArgs, namespaceFromArgs } from "../../../kv.ts";

export default defineCommand({
	meta: {
		description: "Write a key's value to one of your KV namespaces",
		examples: ["ferry kv key put greeting hello --binding CACHE --ttl 3600", "ferry kv key put logo --path logo.png --binding CACHE"],
	},
	args: {
		key: { type: "positional", description: "The key" },
		value: { type: "positional", required: false, description: "The value (or --path)" },
		path: { type: "string", valueHint: "FILE", description: "Read the value from this file" },
		ttl: { type: "string", valueHint: "SECONDS", description: "Expire the key this many seconds from now (at least 60)" },
		expiration: { type: "string", valueHint: "EPOCH", description: "Expire the key at this time, seconds since the epoch" },
		metadata: { type: "string", valueHint: "JSON", description: "Metadata to store with the key, a JSON value" },
		...namespaceArgs,
	},
	async run({ args, io, out, session }) {
		if ((args.value === undefined) === (args.path === undefined)) throw new UserError("give the value or --path FILE, one of them");
		const namespace = await namespaceFromArgs(args, io);
		let value: Uint8Array;
		if (args.path !== undefined) {
			try {
				value = await readFile(path.resolve(io.cwd, args.path));
			} catch {
				throw new UserError(`cannot read ${args.path}`);
			}
		} else value = new TextEncoder().encode(args.value);
		await session
			.api()
			.kvPut(namespace, args.key, value, { expiration_ttl: args.ttl, expiration: args.expiration, metadata: args.metadata });
		out.success(`Wrote ${args.key} to KV namespace ${namespace}`);
	},
});
