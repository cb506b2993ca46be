/** What a secret may be called and hold: the same as a var (docs/limits.md), checked by the API and the CLI alike. */
import { formatBytes } from "../format.ts";
import { LIMITS } from "../limits.ts";
import { VAR_NAME } from "../names.ts";

const encoder = new TextEncoder();

/** Why a secret's name or value is refused, or undefined. `null` is a deletion: only the name is checked. */
export function secretProblem(name: string, value: string | null): string | undefined {
	if (!VAR_NAME.test(name))
		return `secret name '${name.slice(0, 64)}' is not an identifier: letters, digits and '_', not starting with a digit`;
	if (value === null) return undefined;
	const bytes = encoder.encode(value).byteLength;
	if (bytes > LIMITS.varBytes)
		return `secret '${name}' is ${bytes} bytes of UTF-8: a secret is at most ${LIMITS.varBytes} bytes (${formatBytes(LIMITS.varBytes)})`;
	return undefined;
}
