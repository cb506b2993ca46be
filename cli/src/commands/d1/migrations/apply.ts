import { defineCommand } from "../../../core/command.ts";
import { ApiError, UserError } from "../../../core/errors.ts";
import { migrationQuery } from "../../../project/d1-migrations.ts";
import { migrationsArgs, pendingMigrations } from "./pending.ts";

export default defineCommand({
	meta: {
		description:
			"Apply the migrations of a D1 database not applied yet, in order (wrangler's d1 migrations apply); the first that fails is rolled back and the run stops there",
		examples: ["ferry d1 migrations apply DB"],
	},
	args: migrationsArgs,
	async run(context) {
		const pending = await pendingMigrations(context);
		if (!pending) return;
		const { api, plan } = pending;
		const { out } = context;
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
