/**
 * A command is data: a description, its arguments and a run function, in the shape of citty's
 * defineCommand (wrangler's createCommand is the other model). Names come from the one table in
 * ../commands/index.ts; each command lives in its own file. Why not citty itself: docs/cli.md.
 */
import type { Session } from "../session/index.ts";
import type { Io } from "./io.ts";
import type { Output } from "./output.ts";

interface ArgBase {
	description: string;
	/** What the value looks like in usage: NAME, KEY:VALUE, … */
	valueHint?: string;
}

export type ArgSpec =
	| (ArgBase & { type: "positional"; required?: boolean; default?: string })
	| (ArgBase & { type: "string"; alias?: string; required?: boolean; default?: string; multiple?: boolean })
	| (ArgBase & { type: "enum"; alias?: string; options: readonly string[]; default?: string })
	| (ArgBase & { type: "boolean"; alias?: string });
export type ArgsSpec = Record<string, ArgSpec>;

type ValueOf<D> = D extends { multiple: true }
	? string[]
	: D extends { type: "boolean" }
		? boolean
		: D extends { type: "enum"; options: readonly (infer O)[] }
			? O
			: string;

/** Whether a parsed argument always has a value (a default, a required one, a boolean, a list). */
type AlwaysSet<D> = D extends { multiple: true } | { type: "boolean" } | { default: string }
	? true
	: D extends { type: "positional" }
		? D extends { required: false }
			? false
			: true
		: D extends { required: true }
			? true
			: false;

export type ParsedArgs<T extends ArgsSpec> = {
	-readonly [K in keyof T]: AlwaysSet<T[K]> extends true ? ValueOf<T[K]> : ValueOf<T[K]> | undefined;
};

export interface CommandMeta {
	description: string;
	/** Shown under --help and in docs/cli.md. */
	examples?: string[];
}

export interface Context<A> {
	args: A;
	io: Io;
	out: Output;
	/** Credentials and API clients, resolved when a command first asks. */
	session: Session;
	/** --debug: show what is normally hidden (wrangler's output, stack traces). */
	debug: boolean;
}

export interface Command<T extends ArgsSpec = ArgsSpec> {
	meta: CommandMeta;
	args: T;
	run(context: Context<ParsedArgs<T>>): Promise<void>;
}

export const defineCommand = <const T extends ArgsSpec>(command: Command<T>): Command<T> => command;

/** `--json`, on every command that prints data. */
export const jsonArg = {
	json: { type: "boolean", description: "Print the result as JSON (for scripts and CI)" },
} as const satisfies ArgsSpec;
