import { defineCommand } from "../../core/command.ts";

export default defineCommand({
	meta: {
		description: "Delete one of your D1 databases and every table in it (deleting a script never does)",
		examples: ["ferry d1 delete app"],
	},
	args: { name: { type: "positional", description: "The database's name in your space (its config database_name, else its binding)" } },
	async run({ args, out, session }) {
		await session.api().deleteResource("d1", args.name);
		out.success(`Deleted D1 database ${args.name} and its tables`);
	},
});
