/**
 * A request as a CGI program sees it (RFC 3875 §4, as WAGI extends it): meta-variables in the
 * environment, the query's parameters as arguments. The body goes to stdin (see ./stdio.ts).
 */

export interface CgiInvocation {
	/** argv: the path, then each `&`-separated item of the query, still percent-encoded (as WAGI). */
	args: string[];
	/** The environment as `NAME=value` strings. */
	env: string[];
}

/**
 * Ferry routes a whole hostname to one module, which WAGI writes as the wildcard route `/...`: the
 * script sits at the root (SCRIPT_NAME is empty) and PATH_INFO is the whole path.
 */
const MATCHED_ROUTE = "/...";

/**
 * Request headers that never become HTTP_* variables. `Proxy` would become HTTP_PROXY, which many
 * HTTP libraries read as their proxy setting ("httpoxy"); CGI servers drop it for that reason.
 */
const WITHHELD_HEADERS = new Set(["proxy"]);

function decodePath(path: string): string {
	try {
		return decodeURIComponent(path);
	} catch {
		// A malformed escape (e.g. "%zz") is passed on as written; X_RAW_PATH_INFO has it either way.
		return path;
	}
}

const defaultPort = (protocol: string) => (protocol === "https:" ? "443" : "80");

/** The HTTP version the client spoke, where the runtime says (request.cf on Cloudflare). */
function httpProtocol(request: Request): string {
	const cf = request.cf as { httpProtocol?: unknown } | undefined;
	return typeof cf?.httpProtocol === "string" ? cf.httpProtocol : "HTTP/1.1";
}

/**
 * `vars` are the tenant's own vars (the deployment's metadata), passed as environment variables too
 * (WAGI's per-module `environment`). The request's variables are set after them, so a var can never
 * pose as one. `bodyLength` is what stdin holds.
 */
export function cgiInvocation(request: Request, bodyLength: number, vars: Readonly<Record<string, unknown>>): CgiInvocation {
	const url = new URL(request.url);
	const query = url.search.slice(1);
	const remoteAddress = request.headers.get("cf-connecting-ip") ?? "";
	const variables = new Map<string, string>();
	for (const [name, value] of Object.entries(vars)) if (typeof value === "string") variables.set(name, value);

	const meta: Record<string, string> = {
		AUTH_TYPE: "",
		CONTENT_LENGTH: String(bodyLength),
		CONTENT_TYPE: request.headers.get("content-type") ?? "",
		GATEWAY_INTERFACE: "CGI/1.1",
		PATH_INFO: decodePath(url.pathname),
		PATH_TRANSLATED: decodePath(url.pathname),
		QUERY_STRING: query,
		REMOTE_ADDR: remoteAddress,
		REMOTE_HOST: remoteAddress,
		REMOTE_USER: "",
		REQUEST_METHOD: request.method,
		SCRIPT_NAME: "",
		SERVER_NAME: url.hostname,
		SERVER_PORT: url.port || defaultPort(url.protocol),
		SERVER_PROTOCOL: httpProtocol(request),
		SERVER_SOFTWARE: "Ferry",
		X_FULL_URL: url.href,
		X_MATCHED_ROUTE: MATCHED_ROUTE,
		X_RAW_PATH_INFO: url.pathname,
	};
	for (const [name, value] of Object.entries(meta)) variables.set(name, value);
	// Every HTTP/1.1 request has a Host header, and CGI programs build URLs from it; a request made
	// inside the runtime (a service binding, a test) may lack one.
	if (!request.headers.has("host")) variables.set("HTTP_HOST", url.host);
	for (const [name, value] of request.headers) {
		if (WITHHELD_HEADERS.has(name)) continue;
		variables.set(`HTTP_${name.toUpperCase().replaceAll("-", "_")}`, value);
	}

	return {
		// URL keeps path and query ASCII (percent-encoded). That matters: the WASI library sizes the
		// argument buffer by string length, not UTF-8 length, so a non-ASCII argument would overflow it.
		args: [url.pathname, ...query.split("&").filter((item) => item !== "")],
		env: [...variables].map(([name, value]) => `${name}=${value}`),
	};
}
