import { formatBytes } from "../../../../workers/shared/format.ts";
import { defineCommand, jsonArg } from "../../core/command.ts";
import { formatTime } from "../../core/output.ts";

export default defineCommand({
	meta: { description: "List your resources (KV namespaces, R2 buckets, D1 databases), provisioned by the deployments that bind them" },
	args: { ...jsonArg },
	async run({ args, out, session }) {
		const { resources } = await session.api().listResources();
		if (args.json) return out.json({ resources });
		out.table(
			["TYPE", "NAME", "KEYS", "SIZE", "CREATED"],
			resources.map((r) => [
				r.type,
				r.name,
				r.keys === null ? "-" : r.keys.toLocaleString("en-US"),
				r.bytes === null ? "-" : formatBytes(r.bytes),
				formatTime(r.created_at),
			]),
			"No resources yet: declare one in your wrangler config (kv_namespaces, r2_buckets, d1_databases) and deploy.",
		);
	},
});
