import { formatBytes } from "../../../../workers/shared/format.ts";
import { defineCommand, jsonArg } from "../../core/command.ts";
import { formatTime } from "../../core/output.ts";

export default defineCommand({
	meta: {
		description:
			"List your resources (KV namespaces, R2 buckets, D1 databases), provisioned by the deployments that bind them, and your scripts' Durable Object classes",
	},
	args: { ...jsonArg },
	async run({ args, out, session }) {
		const { resources, durable_objects } = await session.api().listResources();
		if (args.json) return out.json({ resources, durable_objects });
		if (resources.length > 0 || durable_objects.length === 0)
			out.table(
				["TYPE", "NAME", "KEYS", "SIZE", "CREATED"],
				resources.map((r) => [
					r.type,
					r.name,
					r.keys === null ? "-" : r.keys.toLocaleString("en-US"),
					r.bytes === null ? "-" : formatBytes(r.bytes),
					formatTime(r.created_at),
				]),
				"No resources yet: declare one in your wrangler config (kv_namespaces, r2_buckets, d1_databases, durable_objects) and deploy.",
			);
		if (durable_objects.length === 0) return;
		if (resources.length > 0) out.log();
		out.table(
			["SCRIPT", "DURABLE OBJECT CLASS", "BINDINGS", "STORAGE"],
			durable_objects.map((c) => [c.script, c.class_name, c.bindings.join(", ") || "-", c.sqlite ? "sqlite" : "key-value"]),
			"",
		);
	},
});
