import { readFile } from "node:fs/promises";
import path from "node:path";
import { secretProblem } from "../../../../workers/shared/secrets/names.ts";
import { defineCommand, jsonArg } from "../../core/command.ts";
import { UserError } from "../../core/errors.ts";
import { reportChange, scriptArgs, scriptOf } from "./shared.ts";

/** wrangler's file: one JSON object, name → value (a string); here null deletes the secret too. */
async function readSecretsFile(file: string): Promise<Record<string, string | null>> {
	let text: string;
	try {
		text = await readFile(file, "utf8");
	} catch {
		throw new UserError(`cannot read ${file}`);
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw new UserError(`${file} is not JSON: it holds one object, {"NAME": "value", …}`);
	}
	if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
		throw new UserError(`${file} holds one JSON object, {"NAME": "value", …}`);
	const entries = Object.entries(parsed);
	if (entries.length === 0) throw new UserError(`${file} names no secrets`);
	for (const [name, value] of entries) {
		if (typeof value !== "string" && value !== null)
			throw new UserError(`${file}: the value of '${name}' is a ${typeof value}: a secret is a string (null deletes it)`);
		const problem = secretProblem(name, value);
		if (problem) throw new UserError(`${file}: ${problem}`);
	}
	return parsed as Record<string, string | null>;
}

export default defineCommand({
	meta: {
		description: "Set (and, with null, delete) several secrets of a script from a JSON file, in one change: one deployment",
		examples: ['ferry secret bulk secrets.json --name hello    # {"API_KEY": "…", "OLD": null}'],
	},
	args: {
		file: { type: "positional", description: "A JSON file: one object, name → value" },
		...scriptArgs,
		...jsonArg,
	},
	async run({ args, io, out, session }) {
		const script = await scriptOf(args, io.cwd, "secret bulk");
		const secrets = await readSecretsFile(path.resolve(io.cwd, args.file));
		const answer = await session.api().patchSecrets(script, secrets);
		if (args.json) return out.json(answer);
		const count = Object.keys(secrets).length;
		reportChange(out, script, `${count} secret${count === 1 ? "" : "s"} changed`, answer);
	},
});
