import { readFile } from "node:fs/promises";
import path from "node:path";
import { defineCommand, jsonArg } from "../../core/command.ts";
import { UserError } from "../../core/errors.ts";
import { configFile, projectArgs, readProjectConfig } from "../../project/config.ts";
import { d1DatabaseFor } from "../../project/resources.ts";

export default defineCommand({
	meta: {
		description:
			"Run SQL on one of your D1 databases (wrangler's d1 execute: --command or --file; DB is a binding of the project's config or a database's name)",
		examples: [
			'ferry d1 execute DB --command "SELECT * FROM users"',
			"ferry d1 execute app --file schema.sql",
			'ferry d1 execute DB --command "SELECT 1 AS one" --json',
		],
	},
	args: {
		database: { type: "positional", description: "The database: a binding of the project's config, else its name in your space" },
		command: { type: "string", valueHint: "SQL", description: "The SQL to run" },
		file: { type: "string", valueHint: "FILE", description: "A file of SQL to run" },
		...jsonArg,
		...projectArgs,
	},
	async run({ args, io, out, session }) {
		if ((args.command === undefined) === (args.file === undefined))
			throw new UserError("give the SQL with --command SQL or --file FILE (one of them)");
		const sql = args.command ?? (await readSqlFile(path.resolve(io.cwd, args.file!)));
		const options = { cwd: io.cwd, config: args.config, env: args.env };
		const file = configFile(options);
		const config = file ? await readProjectConfig(file, options, io.env) : undefined;
		const { results } = await session.api().d1Query(d1DatabaseFor(config, args.database), sql);
		// wrangler's --json: the array of D1 results, one per statement.
		if (args.json) return out.json(results);
		// Each statement that answered rows, as a table of its own (wrangler's d1 execute).
		for (const result of results) {
			const rows = result.results;
			const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
			if (columns.length > 0)
				out.table(
					columns,
					rows.map((row) => columns.map((c) => cell(row[c]))),
					"",
				);
		}
		// wrangler's words (its logResult): the statements' count and their time together.
		const ms = results.reduce((sum, result) => sum + (result.meta?.duration ?? 0), 0);
		out.success(`Executed ${results.length === 1 ? "1 command" : `${results.length} commands`} in ${ms.toFixed(2)}ms`);
	},
});

async function readSqlFile(file: string): Promise<string> {
	try {
		return await readFile(file, "utf8");
	} catch {
		throw new UserError(`cannot read ${file}`);
	}
}

const cell = (value: unknown) =>
	value === null || value === undefined ? "null" : typeof value === "object" ? JSON.stringify(value) : String(value);
