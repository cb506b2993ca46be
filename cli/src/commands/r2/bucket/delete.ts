import { defineCommand } from "../../../core/command.ts";

export default defineCommand({
	meta: {
		description: "Delete one of your R2 buckets and every object in it (deleting a script never does)",
		examples: ["ferry r2 bucket delete assets"],
	},
	args: { name: { type: "positional", description: "The bucket's name in your space (its config bucket_name)" } },
	async run({ args, out, session }) {
		await session.api().deleteResource("r2_bucket", args.name);
		out.success(`Deleted R2 bucket ${args.name} and its objects`);
	},
});
