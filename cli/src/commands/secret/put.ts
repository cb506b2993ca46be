import { secretProblem } from "../../../../workers/shared/secrets/names.ts";
import { defineCommand, jsonArg } from "../../core/command.ts";
import { UserError } from "../../core/errors.ts";
import { type Io, isInteractive } from "../../core/io.ts";
import { withPrompter } from "../../core/prompt.ts";
import { reportChange, scriptArgs, scriptOf } from "./shared.ts";

/** The value: typed at a hidden prompt on a terminal, else the whole of stdin (one trailing newline dropped, as wrangler does). */
async function readValue(io: Io, name: string): Promise<string> {
	if (isInteractive(io)) return withPrompter(io, (prompter) => prompter.secret(`Enter a secret value for ${name}`));
	const chunks: Buffer[] = [];
	for await (const chunk of io.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
	return Buffer.concat(chunks)
		.toString("utf8")
		.replace(/\r?\n$/, "");
}

export default defineCommand({
	meta: {
		description: "Set a secret of a script: sealed at rest, in env as a string, live at once (a new deployment of the live code)",
		examples: [
			"ferry secret put API_KEY                  # asks for the value (not echoed)",
			'echo -n "$KEY" | ferry secret put API_KEY --name hello',
		],
	},
	args: {
		secret: { type: "positional", description: "The secret's name (an identifier, as env.NAME)" },
		...scriptArgs,
		...jsonArg,
	},
	async run({ args, io, out, session }) {
		const nameProblem = secretProblem(args.secret, null);
		if (nameProblem) throw new UserError(nameProblem);
		const script = await scriptOf(args, io.cwd, "secret put");
		const value = await readValue(io, args.secret);
		const problem = secretProblem(args.secret, value);
		if (problem) throw new UserError(problem);
		const answer = await session.api().putSecret(script, args.secret, value);
		if (args.json) return out.json(answer);
		reportChange(out, script, `Secret ${args.secret} set`, answer);
	},
});
