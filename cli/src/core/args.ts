/**
 * Strict argument parsing: node:util's parseArgs splits the words into tokens, and every token is
 * checked against the command's definitions, so a mistyped or misplaced flag fails with a message
 * that says how to fix it instead of being ignored.
 */
import { parseArgs as tokenize } from "node:util";
import type { ArgsSpec, ParsedArgs } from "./command.ts";
import { UserError } from "./errors.ts";

const flag = (name: string) => `--${name}`;

/** Parses `argv` (the words after the command's name) for `command` (its name, for messages). */
export function parseArgs<T extends ArgsSpec>(argv: string[], specs: T, command: string): ParsedArgs<T> {
	const help = `run 'ferry ${command} --help' for its usage`;
	const options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {};
	for (const [name, spec] of Object.entries(specs)) {
		if (spec.type === "positional") continue;
		options[name] = { type: spec.type === "boolean" ? "boolean" : "string", ...(spec.alias ? { short: spec.alias } : {}) };
	}
	const { tokens } = tokenize({ args: argv, options, strict: false, allowPositionals: true, tokens: true });

	const values: Record<string, unknown> = {};
	const positionals: string[] = [];
	for (const token of tokens) {
		if (token.kind === "positional") positionals.push(token.value);
		if (token.kind !== "option") continue;
		const spec = specs[token.name];
		if (!spec || spec.type === "positional") throw new UserError(`unknown option '${token.rawName}' for 'ferry ${command}'; ${help}`);
		if (spec.type === "boolean") {
			if (token.inlineValue) throw new UserError(`option ${flag(token.name)} takes no value; ${help}`);
			values[token.name] = true;
			continue;
		}
		if (token.value === undefined || token.value === "")
			throw new UserError(`option ${flag(token.name)} needs a value, e.g. ${flag(token.name)} ${spec.valueHint ?? "VALUE"}`);
		if (spec.type === "string" && spec.multiple)
			values[token.name] = [...((values[token.name] as string[] | undefined) ?? []), token.value];
		else if (token.name in values) throw new UserError(`option ${flag(token.name)} is given twice; give it once`);
		else values[token.name] = token.value;
	}

	const positionalSpecs = Object.entries(specs).flatMap(([name, spec]) => (spec.type === "positional" ? [[name, spec] as const] : []));
	if (positionals.length > positionalSpecs.length)
		throw new UserError(`unexpected argument '${positionals[positionalSpecs.length]}' for 'ferry ${command}'; ${help}`);
	positionalSpecs.forEach(([name, spec], i) => {
		const value = positionals[i] ?? spec.default;
		if (value === undefined && spec.required !== false) throw new UserError(`'ferry ${command}' needs <${name.toUpperCase()}>; ${help}`);
		values[name] = value;
	});

	for (const [name, spec] of Object.entries(specs)) {
		if (spec.type === "positional") continue;
		if (values[name] === undefined) {
			if (spec.type === "boolean") values[name] = false;
			else if (spec.type === "string" && spec.multiple) values[name] = [];
			else if (spec.default !== undefined) values[name] = spec.default;
			else if (spec.type === "string" && spec.required) throw new UserError(`'ferry ${command}' needs ${flag(name)}; ${help}`);
		}
		const value = values[name];
		if (spec.type === "enum" && value !== undefined && !spec.options.includes(value as string))
			throw new UserError(`invalid value '${String(value)}' for ${flag(name)}: use one of ${spec.options.join(", ")}`);
	}
	return values as ParsedArgs<T>;
}
