import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../env";

/** A page as HTML (Hono's JSX escapes every value), with the doctype and without caching. */
export function render(c: Context<AppEnv>, page: unknown, status: ContentfulStatusCode = 200): Response {
	return c.html(`<!doctype html>${String(page)}`, status, { "cache-control": "no-store" });
}
