import { defineCommand } from "../../../core/command.ts";
import { UserError } from "../../../core/errors.ts";
import { configFile, projectArgs, readProjectConfig } from "../../../project/config.ts";
import { migrationsPlan } from "../../../project/d1-migrations.ts";

export default defineCommand({
	meta: {
		description:
			"List the migrations of a D1 database not applied yet (wrangler's d1 migrations list: migrations_dir, default migrations/)",
		examples: ["ferry d1 migrations list DB"],
	},
	args: {
		database: { type: "positional", description: "The database: a binding of the project's config, else its name in your space" },
		...projectArgs,
	},
	async run({ args, io, out, session }) {
		const options = { cwd: io.cwd, config: args.config, env: args.env };
		const file = configFile(options);
		if (!file) throw new UserError("No configuration file found. Create a wrangler.jsonc file to define your D1 database.");
		const plan = await migrationsPlan(session.api(), await readProjectConfig(file, options, io.env), file, args.database);
		if (plan.pending.length === 0) return out.log("✅ No migrations to apply!");
		out.log("Migrations to be applied:");
		out.table(
			["Name"],
			plan.pending.map((name) => [name]),
			"",
		);
	},
});
