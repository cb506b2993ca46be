/**
 * The platform Workers' one logger: structured JSON lines on the console, which is what Workers Logs and
 * `wrangler tail` collect. Errors are logged with their stack here and never sent to clients.
 */
type Fields = Record<string, unknown>;

function emit(level: "info" | "warn" | "error", message: string, fields: Fields): void {
	const entry: Fields = { level, message, ...fields };
	if (fields.error instanceof Error) entry.error = { name: fields.error.name, message: fields.error.message, stack: fields.error.stack };
	console[level](JSON.stringify(entry));
}

export const log = {
	info: (message: string, fields: Fields = {}) => emit("info", message, fields),
	warn: (message: string, fields: Fields = {}) => emit("warn", message, fields),
	error: (message: string, fields: Fields = {}) => emit("error", message, fields),
};
