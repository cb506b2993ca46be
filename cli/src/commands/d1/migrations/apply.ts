import { defineCommand } from "../../../core/command.ts";
import { ApiError, UserError } from "../../../core/errors.ts";
import { configFile, projectArgs, readProjectConfig } from "../../../project/config.ts";
import { migrationQuery, migrationsPlan } from "../../../project/d1-migrations.ts";

export default defineCommand({
	meta: {
		description:
			"Apply the migrations of a D1 database not applied yet, in order (wrangler's d1 migrations apply); the first that fails is rolled back and the run stops there",
		examples: ["ferry d1 migrations apply DB"],
	},
	args: {
		database: { type: "positional", description: "The database: a binding of the project's config, else its name in your space" },
		...projectArgs,
	},
	async run({ args, io, out, session }) {
		const options = { cwd: io.cwd, config: args.config, env: args.env };
		const file = configFile(options);
		if (!file) throw new UserError("No configuration file found. Create a wrangler.jsonc file to define your D1 database.");
		const api = session.api();
		const plan = await migrationsPlan(api, await readProjectConfig(file, options, io.env), file, args.database);
		if (plan.pending.length === 0) return out.log("✅ No migrations to apply!");
		out.log("Migrations to be applied:");
		out.table(
			["Name"],
			plan.pending.map((name) => [name]),
			"",
		);
		const status = new Map(plan.pending.map((name) => [name, "🕒️"]));
		const show = () =>
			out.table(
				["Name", "Status"],
				plan.pending.map((name) => [name, status.get(name)!]),
				"",
			);
		for (const migration of plan.pending) {
			try {
				await api.d1Query(plan.database, migrationQuery(plan, migration));
			} catch (error) {
				if (!(error instanceof ApiError) || error.status >= 500) throw error;
				status.set(migration, "❌");
				show();
				// The tenant's SQL error (D1's message), one line; the migrations before it stay applied.
				throw new UserError(`Migration ${migration} failed: ${error.apiMessage}`);
			}
			status.set(migration, "✅");
		}
		show();
	},
});
