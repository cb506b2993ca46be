/** What the secret commands share: which script, and what a change's answer says. */
import type { SecretsChangeAnswer } from "../../../../workers/shared/api-client/types.ts";
import type { Output } from "../../core/output.ts";
import { projectArgs, scriptFromArgs } from "../../project/config.ts";

/** wrangler's words: `--name` is the Worker (here the script), else the project's. */
export const scriptArgs = {
	name: { type: "string", valueHint: "SCRIPT", description: "The script (default: the project's name)" },
	...projectArgs,
} as const;

export const scriptOf = (args: { name?: string; config?: string; env?: string }, cwd: string, command: string) =>
	scriptFromArgs({ script: args.name, config: args.config, env: args.env }, cwd, command);

/** The line after a change: which deployment now carries it, or that the next deploy will. */
export function reportChange(out: Output, script: string, what: string, answer: SecretsChangeAnswer): void {
	if (answer.deployment) out.success(`${what} on ${script}: deployment ${answer.deployment.id} (the live code, not rebuilt) is live`);
	else out.success(`${what} on ${script}: its next deployment gets it (it has no live deployment)`);
}
