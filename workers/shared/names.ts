/**
 * Names and other strings users choose: script names become hostnames, module names become paths
 * in an isolate; tenant, plan and var names and compatibility dates are checked against these too.
 * The one place for each pattern (the API's validation and the CLI's flags both use them).
 */

export const RESERVED_SCRIPT_NAMES: ReadonlySet<string> = new Set([
	"api",
	"www",
	"admin",
	"dash",
	"app",
	"static",
	"assets",
	"status",
	"docs",
	"mail",
	"ferry",
]);

/** A DNS label: 1-63 characters of a-z, 0-9 and '-', not starting or ending with '-'. Script and tenant names are one. */
export const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** A plan's name (`tenants.plan`, `PUT /v1/plans/:name`). */
export const PLAN_NAME = /^[a-z0-9-]{1,32}$/;

/** A var's (and a binding's) name: a JavaScript identifier, as it is read from `env`. */
export const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A tenant resource's name in its own space (a KV namespace's `id`; a Cloudflare id fits too). docs/bindings.md. */
export const RESOURCE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** A Workers compatibility date, YYYY-MM-DD. */
export const COMPATIBILITY_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Why `name` cannot be a script name, or undefined when it can. */
export function scriptNameProblem(name: string): string | undefined {
	if (!DNS_LABEL.test(name)) return "a script name is a DNS label: 1-63 characters of a-z, 0-9 and '-', not starting or ending with '-'";
	// `--` separates a deployment id from the script in preview hostnames.
	if (name.includes("--")) return "a script name cannot contain '--' (it separates preview hostnames)";
	if (RESERVED_SCRIPT_NAMES.has(name)) return `'${name}' is reserved by the platform`;
	return undefined;
}

export const MAX_MODULE_NAME_LENGTH = 256;

/**
 * A module part's name as the module graph knows it. wrangler names the modules it uploads beside
 * the main module `./<hash>-x.wasm`; the main module imports them relative to itself, so `./x` is
 * the module `x`. Only a leading `./` goes: any other `.` or `..` segment stays, for
 * moduleNameProblem to refuse.
 */
export function normalizeModuleName(name: string): string {
	return name.replace(/^(?:\.\/)+/, "");
}

/** Why `name` cannot name a module, or undefined when it can. */
export function moduleNameProblem(name: string): string | undefined {
	if (name.length === 0) return "a module name cannot be empty";
	if (name.length > MAX_MODULE_NAME_LENGTH) return `a module name is at most ${MAX_MODULE_NAME_LENGTH} characters`;
	if (name.includes("\0")) return "a module name cannot contain NUL";
	if (name.startsWith("/")) return "a module name is relative: it cannot start with '/'";
	if (name.includes("\\")) return "a module name uses '/' as separator, not '\\'";
	if (name.split("/").some((segment) => segment === ".." || segment === "." || segment === ""))
		return "a module name cannot contain '.', '..' or empty path segments";
	return undefined;
}
