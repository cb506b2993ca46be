/** Which KV namespace a `ferry kv` command is about: `--namespace-id`, or `--binding` read from the project's config (wrangler's words). */
import path from "node:path";
import { UserError } from "./core/errors.ts";
import type { Io } from "./core/io.ts";
import { configFile, projectArgs, readProjectConfig } from "./project/config.ts";
import { kvNamespaceFor } from "./project/resources.ts";

export const namespaceArgs = {
	binding: { type: "string", valueHint: "NAME", description: "The namespace the project's config binds under this name" },
	"namespace-id": {
		type: "string",
		valueHint: "NAME",
		description: "The namespace's name in your space (its config `id`, else its binding)",
	},
	...projectArgs,
} as const;

export async function namespaceFromArgs(
	args: { binding?: string; "namespace-id"?: string; config?: string; env?: string },
	io: Io,
): Promise<string> {
	if (args.binding !== undefined && args["namespace-id"] !== undefined) throw new UserError("give --binding or --namespace-id, not both");
	if (args["namespace-id"] !== undefined) return args["namespace-id"];
	if (args.binding === undefined)
		throw new UserError("name the namespace: --binding NAME (from the project's config) or --namespace-id NAME");
	const options = { cwd: io.cwd, config: args.config, env: args.env };
	const file = configFile(options);
	if (!file) throw new UserError("no wrangler.toml or wrangler.jsonc here to read --binding from: use --namespace-id");
	const config = await readProjectConfig(file, options, io.env);
	return kvNamespaceFor(config, args.binding, path.relative(io.cwd, file) || file);
}
