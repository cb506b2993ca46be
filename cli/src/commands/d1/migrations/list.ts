import { defineCommand } from "../../../core/command.ts";
import { migrationsArgs, pendingMigrations } from "./pending.ts";

export default defineCommand({
	meta: {
		description:
			"List the migrations of a D1 database not applied yet (wrangler's d1 migrations list: migrations_dir, default migrations/)",
		examples: ["ferry d1 migrations list DB"],
	},
	args: migrationsArgs,
	async run(context) {
		await pendingMigrations(context);
	},
});
