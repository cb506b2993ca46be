/**
 * The platform Workers' one logger: structured JSON lines on the console, which is what Workers Logs and
 * `wrangler tail` collect. Callers pass errors as they caught them (never pre-stringified): any field
 * holding an Error is written here as its name, message, stack and cause. Never sent to clients.
 */
type Fields = Record<string, unknown>;

function serialized(value: unknown): unknown {
	if (!(value instanceof Error)) return value;
	const { name, message, stack, cause } = value;
	return cause === undefined ? { name, message, stack } : { name, message, stack, cause: serialized(cause) };
}

function emit(level: "info" | "warn" | "error", message: string, fields: Fields): void {
	const entry: Fields = { level, message };
	for (const [key, value] of Object.entries(fields)) entry[key] = serialized(value);
	console[level](JSON.stringify(entry));
}

export const log = {
	info: (message: string, fields: Fields = {}) => emit("info", message, fields),
	warn: (message: string, fields: Fields = {}) => emit("warn", message, fields),
	error: (message: string, fields: Fields = {}) => emit("error", message, fields),
};
