/** The filter flags `ferry logs` and `ferry tail` share; the API checks the values (a bad one is its 400, naming the parameter). */
import type { ArgsSpec } from "../core/command.ts";

export const filterArgs = {
	status: { type: "string", valueHint: "STATUS", description: "ok, error, a class (5xx) or a status code" },
	level: { type: "enum", options: ["debug", "info", "log", "warn", "error"], description: "Only invocations with a line this severe" },
	search: { type: "string", valueHint: "TEXT", description: "Text in the path, a console line or the exception" },
	deployment: { type: "string", valueHint: "ID", description: "Only this deployment's invocations" },
} as const satisfies ArgsSpec;

export const filterQuery = (args: { status?: string; level?: string; search?: string; deployment?: string }) => ({
	status: args.status,
	level: args.level,
	q: args.search,
	deployment: args.deployment,
});
