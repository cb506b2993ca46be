import { defineCommand, jsonArg } from "../../core/command.ts";
import { CancelledError, UserError } from "../../core/errors.ts";
import { isInteractive } from "../../core/io.ts";
import { withPrompter } from "../../core/prompt.ts";
import { reportChange, scriptArgs, scriptOf } from "./shared.ts";

export default defineCommand({
	meta: {
		description: "Delete a secret of a script: gone from env at once (a new deployment of the live code)",
		examples: ["ferry secret delete API_KEY --name hello", "ferry secret delete API_KEY --yes    # no question (scripts, CI)"],
	},
	args: {
		secret: { type: "positional", description: "The secret's name" },
		yes: { type: "boolean", alias: "y", description: "Do not ask for confirmation" },
		...scriptArgs,
		...jsonArg,
	},
	async run({ args, io, out, session }) {
		const script = await scriptOf(args, io.cwd, "secret delete");
		if (!args.yes) {
			if (!isInteractive(io)) throw new UserError(`deleting secret '${args.secret}' needs confirmation: pass --yes`);
			const sure = await withPrompter(io, (prompter) => prompter.confirm(`Delete secret '${args.secret}' of ${script}?`));
			if (!sure) throw new CancelledError(`kept '${args.secret}': nothing was deleted`);
		}
		const answer = await session.api().deleteSecret(script, args.secret);
		if (args.json) return out.json(answer);
		reportChange(out, script, `Secret ${args.secret} deleted`, answer);
	},
});
