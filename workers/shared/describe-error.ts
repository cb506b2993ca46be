/**
 * A caught value as text, for messages a person reads (a deployment's error, the WAGI shim's
 * failure). Logs take the error itself instead: the logger keeps its name, message and stack.
 */

/** The message of an Error, or the value as a string: what was thrown may be anything. */
export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The error with its kind: "RuntimeError: unreachable". */
export const describeError = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
