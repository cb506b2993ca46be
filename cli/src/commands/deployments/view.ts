import { formatBytes, formatMs } from "../../../../workers/shared/format.ts";
import { defineCommand, jsonArg } from "../../core/command.ts";
import { formatTime } from "../../core/output.ts";

export default defineCommand({
	meta: { description: "Show one deployment and its state events", examples: ["ferry deployments view k3v9q2m1xz"] },
	args: {
		id: { type: "positional", description: "The deployment id" },
		...jsonArg,
	},
	async run({ args, out, session }) {
		const { deployment: d } = await session.api().getDeployment(args.id);
		if (args.json) return out.json({ deployment: d });
		out.log(`Deployment ${out.style("bold", d.id)} of ${d.script}: ${d.state}${d.live ? " (live)" : ""}`);
		out.fields([
			["Created", formatTime(d.created_at)],
			["Artifact", `${formatBytes(d.size_bytes)}, sha256 ${d.artifact_sha256}`],
			...(d.url ? ([["URL", d.url]] as [string, string][]) : []),
			...(d.preview_url ? ([["Preview", d.preview_url]] as [string, string][]) : []),
			...(d.error ? ([["Error", `${d.error.stage}: ${d.error.message}`]] as [string, string][]) : []),
		]);
		out.log("");
		const start = d.events[0] ? Date.parse(d.events[0].at) : 0;
		out.table(
			["STATE", "AT", "AFTER", "MESSAGE"],
			d.events.map((e) => [e.to, formatTime(e.at), `+${formatMs(Date.parse(e.at) - start)}`, e.message ?? ""]),
			"No events.",
		);
	},
});
