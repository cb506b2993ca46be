/**
 * Every endpoint of the API, read from the Hono app's own route table, so that a test walking them
 * cannot forget one: an endpoint added without a case in the walking test fails that test.
 */
import { app } from "../../../workers/api/src/app";

export interface Endpoint {
	method: string;
	path: string;
	/** "METHOD /path", how the tests' case tables name it. */
	key: string;
}

/** Each method and path once (Hono lists a route once per middleware and handler; `use` and catch-alls are "ALL"). */
const all: readonly Endpoint[] = [
	...new Map(
		app.routes.filter((route) => route.method !== "ALL").map((route) => [`${route.method} ${route.path}`, route] as const),
	).entries(),
].map(([key, { method, path }]) => ({ method, path, key }));

/** Cloudflare's API subset (docs/wrangler.md): its own envelope and auth, walked by ./client-v4.test.ts. */
export const CLIENT_V4 = "/client/v4";
const isClientV4 = (e: Endpoint) => e.path.startsWith(`${CLIENT_V4}/`);

/** Ferry's own endpoints (/v1 and /): one error shape, `{"error":{"code","message"}}`. */
export const endpoints: readonly Endpoint[] = all.filter((e) => !isClientV4(e));
export const clientV4Endpoints: readonly Endpoint[] = all.filter(isClientV4);

/** Methods whose requests carry a body. */
export const takesBody = (endpoint: Endpoint) => ["POST", "PUT", "PATCH"].includes(endpoint.method);

/** The deploy upload: its body is multipart/form-data, not JSON. */
export const UPLOAD = "PUT /v1/scripts/:name";
/** A bucket of static assets: multipart too, and authenticated by the upload session's token, not a tenant's (docs/assets.md). */
export const ASSET_UPLOAD = "POST /v1/assets/upload";

/** A KV value: its body is the value's bytes, whatever they are (docs/api.md, "Resources"). */
export const KV_PUT = "PUT /v1/kv/:namespace/values/:key";

/** An R2 object: its body is the object's bytes (docs/api.md, "Resources"). */
export const R2_PUT = "PUT /v1/r2/:bucket/objects/:key";

/** Endpoints whose body is JSON. */
export const takesJson = (endpoint: Endpoint) =>
	takesBody(endpoint) && endpoint.key !== UPLOAD && endpoint.key !== ASSET_UPLOAD && endpoint.key !== KV_PUT && endpoint.key !== R2_PUT;

/** The path with its `:params` filled in. */
export function fill(path: string, params: Record<string, string>): string {
	return path.replace(/:(\w+)/g, (_, name: string) => {
		const value = params[name];
		if (value === undefined) throw new Error(`no value for :${name} in ${path}`);
		return encodeURIComponent(value);
	});
}

/** Authorization headers no credential check may take: absent, empty, another scheme, oversize, trailing junk. */
export const BAD_AUTHORIZATIONS = [
	"",
	"Bearer",
	"Bearer ",
	"Basic dXNlcjpwYXNz",
	`Bearer ${"ferry_".padEnd(10_000, "x")}`,
	"Bearer ferry_x extra",
] as const;
