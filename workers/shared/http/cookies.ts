/**
 * Cookies the platform itself sets (the panel's session, later): always `__Host-` prefixed, so the
 * browser keeps them only when they are Secure, for Path=/ and without a Domain, i.e. for exactly
 * the host that set them. No other host can set, overwrite or toss such a cookie: not a sibling
 * under the same parent domain, and not tenant content, which in production lives on a registrable
 * domain of its own anyway (docs/deploy-to-cloudflare.md, "Two domains"). Hono's cookie helper
 * writes and reads them (its `host` prefix enforces the rules); this module fixes the options the
 * platform uses, so no cookie of the platform's is ever set without them.
 *
 * Secure on http://: browsers treat `localhost` and `*.localhost` as secure contexts, so locally
 * (http://dash.localhost:8787) Chromium keeps and returns these cookies too.
 */

import type { Context } from "hono";
import { generateCookie, getCookie } from "hono/cookie";

export const HOST_PREFIX = "__Host-";

export interface PlatformCookieOptions {
	/** Seconds until it expires; a session cookie (until the browser closes) without it. */
	maxAge?: number;
	/** Lax by default: sent on top-level navigations from elsewhere, not on cross-site subrequests. */
	sameSite?: "Strict" | "Lax";
	/** Readable by the page's scripts; never for a credential. Default false. */
	scriptReadable?: boolean;
}

/** The Set-Cookie header value for the platform's cookie `name` (the prefix is added). */
export function platformCookie(name: string, value: string, options: PlatformCookieOptions = {}): string {
	return generateCookie(name, value, {
		prefix: "host",
		httpOnly: !options.scriptReadable,
		sameSite: options.sameSite ?? "Lax",
		...(options.maxAge === undefined ? {} : { maxAge: options.maxAge }),
	});
}

/** The Set-Cookie header value that removes the platform's cookie `name`. */
export const expiredPlatformCookie = (name: string): string => platformCookie(name, "", { maxAge: 0 });

/**
 * The value of the platform's cookie `name` in the request, if any: only the `__Host-` one counts.
 * A cookie named `name` without the prefix (which any sibling host could have set) is not read.
 */
export function readPlatformCookie(c: Context, name: string): string | undefined {
	return getCookie(c, name, "host");
}
