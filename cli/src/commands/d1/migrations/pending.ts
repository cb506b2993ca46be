/**
 * What `ferry d1 migrations list` and `apply` share: the database's arguments, its migrations not
 * applied yet (project/d1-migrations.ts), and wrangler's "Migrations to be applied" table.
 */

import type { FerryApi } from "../../../../../workers/shared/api-client/index.ts";
import type { Context, ParsedArgs } from "../../../core/command.ts";
import { UserError } from "../../../core/errors.ts";
import { configFile, projectArgs, readProjectConfig } from "../../../project/config.ts";
import { type MigrationsPlan, migrationsPlan } from "../../../project/d1-migrations.ts";

export const migrationsArgs = {
	database: { type: "positional", description: "The database: a binding of the project's config, else its name in your space" },
	...projectArgs,
} as const;

/** The API and the plan with something pending (its table printed), or null once wrangler's "nothing to apply" is printed. */
export async function pendingMigrations({
	args,
	io,
	out,
	session,
}: Context<ParsedArgs<typeof migrationsArgs>>): Promise<{ api: FerryApi; plan: MigrationsPlan } | null> {
	const options = { cwd: io.cwd, config: args.config, env: args.env };
	const file = configFile(options);
	if (!file) throw new UserError("No configuration file found. Create a wrangler.jsonc file to define your D1 database.");
	const api = session.api();
	const plan = await migrationsPlan(api, await readProjectConfig(file, options, io.env), file, args.database);
	if (plan.pending.length === 0) {
		out.log("✅ No migrations to apply!");
		return null;
	}
	out.log("Migrations to be applied:");
	out.table(
		["Name"],
		plan.pending.map((name) => [name]),
		"",
	);
	return { api, plan };
}
