import { defineCommand, jsonArg } from "../../core/command.ts";
import { CancelledError, UserError } from "../../core/errors.ts";
import { isInteractive } from "../../core/io.ts";
import { withPrompter } from "../../core/prompt.ts";

export default defineCommand({
	meta: {
		description: "Delete a script: its URLs stop answering at once and its deployments become Deleted",
		examples: ["ferry scripts delete hello", "ferry scripts delete hello --yes    # no question (scripts, CI)"],
	},
	args: {
		name: { type: "positional", description: "The script to delete" },
		yes: { type: "boolean", alias: "y", description: "Do not ask for confirmation" },
		...jsonArg,
	},
	async run({ args, io, out, session }) {
		const api = session.api();
		if (!args.yes) {
			if (!isInteractive(io)) throw new UserError(`deleting '${args.name}' needs confirmation: pass --yes`);
			const sure = await withPrompter(io, (prompter) =>
				prompter.confirm(`Delete script '${args.name}' and all its deployments? Its URLs stop answering now`),
			);
			if (!sure) throw new CancelledError(`kept '${args.name}': nothing was deleted`);
		}
		const { script } = await api.deleteScript(args.name);
		if (args.json) return out.json({ script });
		out.success(`Deleted ${script.name}`);
	},
});
