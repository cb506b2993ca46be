/**
 * `ferry`: main(argv, io) finds the command in the table, parses its arguments strictly, runs it and
 * returns the exit code. Tests call it in-process with captured streams; bin.ts with the real process.
 */
import packageJson from "../package.json" with { type: "json" };
import { COMMANDS, type CommandGroup, isGroup, type LoadCommand } from "./commands/index.ts";
import { parseArgs } from "./core/args.ts";
import { EXIT, reportError, UserError } from "./core/errors.ts";
import { commandList, commandUsage } from "./core/help.ts";
import type { Io } from "./core/io.ts";
import { Output } from "./core/output.ts";
import { Session } from "./session/index.ts";

export const VERSION = packageJson.version;

type Resolved = { kind: "command"; name: string; load: LoadCommand; rest: string[] } | { kind: "list"; group?: [string, CommandGroup] };

/** The command the first words name: `deploy …`, `scripts list …` or, wrangler's three words, `kv key get …`. */
function resolve(words: string[]): Resolved {
	const [noun, verb, ...rest] = words;
	if (noun === undefined || noun.startsWith("-")) return { kind: "list" };
	const entry = Object.hasOwn(COMMANDS, noun) ? COMMANDS[noun] : undefined;
	if (!entry) throw new UserError(`unknown command '${noun}'; run 'ferry --help' for the list`);
	if (!isGroup(entry)) return { kind: "command", name: noun, load: entry, rest: words.slice(1) };
	if (verb === undefined || verb.startsWith("-")) return { kind: "list", group: [noun, entry] };
	const [object, ...after] = rest;
	const pair = object === undefined ? undefined : `${verb} ${object}`;
	if (pair && Object.hasOwn(entry.commands, pair))
		return { kind: "command", name: `${noun} ${pair}`, load: entry.commands[pair]!, rest: after };
	const load = Object.hasOwn(entry.commands, verb) ? entry.commands[verb] : undefined;
	if (!load) throw new UserError(`unknown command '${noun} ${verb}'; run 'ferry ${noun} --help' for its commands`);
	return { kind: "command", name: `${noun} ${verb}`, load, rest };
}

export async function main(argv: string[], io: Io): Promise<number> {
	const terminator = argv.indexOf("--");
	const options = terminator === -1 ? argv : argv.slice(0, terminator);
	const debug = options.includes("--debug");
	const help = options.includes("--help") || options.includes("-h");
	const words = argv.filter((word, i) => word !== "--debug" || (terminator !== -1 && i > terminator));
	let out = new Output(io);
	try {
		if (words.length === 1 && (words[0] === "--version" || words[0] === "-v")) {
			io.stdout.write(`${VERSION}\n`);
			return EXIT.ok;
		}
		const resolved = resolve(words);
		if (resolved.kind === "list") {
			if (!help && words.length > (resolved.group ? 1 : 0))
				throw new UserError(`unknown option '${words[resolved.group ? 1 : 0]}'; run 'ferry --help' for usage`);
			io.stdout.write(await commandList(VERSION, resolved.group));
			return EXIT.ok;
		}
		const command = (await resolved.load()).default;
		if (help) {
			io.stdout.write(commandUsage(command, resolved.name));
			return EXIT.ok;
		}
		const args = parseArgs(resolved.rest, command.args, resolved.name);
		out = new Output(io, (args as { json?: boolean }).json === true);
		await command.run({ args, io, out, session: new Session(io), debug });
		return EXIT.ok;
	} catch (error) {
		return reportError(error, out, debug);
	}
}
