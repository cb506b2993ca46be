/**
 * Serving a deployment's static assets with Cloudflare's semantics: a port of the asset-worker of
 * workers-sdk (packages/workers-shared/asset-worker/src/handler.ts, as miniflare 5 bundles it), cut
 * to what Ferry supports: html_handling (all four), not_found_handling (single-page-application,
 * 404-page, none), index.html resolution, percent-encoding of paths, ETag / If-None-Match → 304, HEAD,
 * 405 for other methods on an asset. Not ported: _redirects, _headers, base_path (refused at deploy).
 *
 * Cloudflare's lookups are async (a binary search of a hashed manifest); here the manifest is a Map in
 * the isolate's memory, so every lookup is synchronous and a request's routing decision never yields.
 */
import type { AssetRouting, HtmlHandling } from "../../../workers/shared/assets/manifest";

/** A path → its file's hash (the ETag), or null. Paths are decoded: "/a b.html". */
export type Exists = (path: string) => string | null;

interface Intent {
	asset: { eTag: string; status: 200 | 404 } | null;
	redirect: string | null;
	resolver: "html-handling" | "not-found";
}

type Config = Pick<AssetRouting, "html_handling" | "not_found_handling">;

const found = (eTag: string, status: 200 | 404 = 200, resolver: Intent["resolver"] = "html-handling"): Intent => ({
	asset: { eTag, status },
	redirect: null,
	resolver,
});

/** Each segment percent-decoded (a malformed escape stays as it is), runs of '/' collapsed. */
export const decodePath = (pathname: string): string =>
	pathname
		.split("/")
		.map((segment) => {
			try {
				return decodeURIComponent(segment);
			} catch {
				return segment;
			}
		})
		.join("/")
		.replace(/\/+/g, "/");

export const encodePath = (pathname: string): string => pathname.split("/").map(encodeURIComponent).join("/");

/** What a decoded path resolves to: an asset, a redirect, or nothing (null). */
export function getIntent(pathname: string, config: Config, exists: Exists, skipRedirects = false): Intent | null {
	switch (config.html_handling) {
		case "auto-trailing-slash":
			return autoTrailingSlash(pathname, config, exists, skipRedirects);
		case "force-trailing-slash":
			return forceTrailingSlash(pathname, config, exists, skipRedirects);
		case "drop-trailing-slash":
			return dropTrailingSlash(pathname, config, exists, skipRedirects);
		case "none":
			return htmlHandlingNone(pathname, config, exists);
	}
}

/**
 * A redirect from `file`'s other URL to `destination`, when `destination` is free (no file there)
 * and resolves, under the same handling, to the very file `file` is.
 */
function safeRedirect(file: string, destination: string, config: Config, exists: Exists, skip: boolean): Intent | null {
	if (skip || exists(destination)) return null;
	const intent = getIntent(destination, config, exists, true);
	if (intent?.asset && intent.asset.eTag === exists(file)) return { asset: null, redirect: destination, resolver: "html-handling" };
	return null;
}

/** One step of a handling: tried in order, the first that resolves wins (the asset-worker's chains of `if … return`). */
type Step = () => Intent | null;

function steps(config: Config, exists: Exists, skip: boolean) {
	return {
		/** The file at `path`, served. */
		file:
			(path: string): Step =>
			() => {
				const eTag = exists(path);
				return eTag ? found(eTag) : null;
			},
		/** A redirect to `destination` for the file `file`. */
		to:
			(file: string, destination: string): Step =>
			() =>
				safeRedirect(file, destination, config, exists, skip),
	};
}

function firstOf(candidates: readonly Step[]): Intent | null {
	for (const candidate of candidates) {
		const intent = candidate();
		if (intent) return intent;
	}
	return null;
}

function autoTrailingSlash(p: string, config: Config, exists: Exists, skip: boolean): Intent | null {
	const { file, to } = steps(config, exists, skip);
	let special: Step[] = [];
	if (p.endsWith("/index")) special = [file(p), to(`${p}.html`, p.slice(0, -5)), to(`${p.slice(0, -6)}.html`, p.slice(0, -6))];
	else if (p.endsWith("/index.html")) special = [to(p, p.slice(0, -10)), to(`${p.slice(0, -11)}.html`, p.slice(0, -11))];
	else if (p.endsWith("/")) special = [file(`${p}index.html`), to(`${p.slice(0, -1)}.html`, p.slice(0, -1))];
	else if (p.endsWith(".html")) special = [to(p, p.slice(0, -5)), to(`${p.slice(0, -5)}/index.html`, `${p.slice(0, -5)}/`)];
	return firstOf([...special, file(p), file(`${p}.html`), to(`${p}/index.html`, `${p}/`)]) ?? notFound(p, config, exists);
}

function forceTrailingSlash(p: string, config: Config, exists: Exists, skip: boolean): Intent | null {
	const { file, to } = steps(config, exists, skip);
	let special: Step[] = [];
	if (p.endsWith("/index")) special = [file(p), to(`${p}.html`, p.slice(0, -5)), to(`${p.slice(0, -6)}.html`, p.slice(0, -5))];
	else if (p.endsWith("/index.html")) special = [to(p, p.slice(0, -10)), to(`${p.slice(0, -11)}.html`, p.slice(0, -10))];
	else if (p.endsWith("/")) special = [file(`${p}index.html`), file(`${p.slice(0, -1)}.html`)];
	else if (p.endsWith(".html")) special = [to(p, `${p.slice(0, -5)}/`), file(p), to(`${p.slice(0, -5)}/index.html`, `${p.slice(0, -5)}/`)];
	return firstOf([...special, file(p), to(`${p}.html`, `${p}/`), to(`${p}/index.html`, `${p}/`)]) ?? notFound(p, config, exists);
}

function dropTrailingSlash(p: string, config: Config, exists: Exists, skip: boolean): Intent | null {
	const { file, to } = steps(config, exists, skip);
	let special: Step[] = [];
	if (p.endsWith("/index"))
		special =
			p === "/index"
				? [file(p), to("/index.html", "/")]
				: [file(p), to(`${p.slice(0, -6)}.html`, p.slice(0, -6)), to(`${p}.html`, p.slice(0, -6))];
	else if (p.endsWith("/index.html"))
		special =
			p === "/index.html" ? [to("/index.html", "/")] : [to(p, p.slice(0, -11)), file(p), to(`${p.slice(0, -11)}.html`, p.slice(0, -11))];
	else if (p.endsWith("/"))
		special =
			p === "/"
				? [file("/index.html")]
				: [to(`${p.slice(0, -1)}.html`, p.slice(0, -1)), to(`${p.slice(0, -1)}/index.html`, p.slice(0, -1))];
	else if (p.endsWith(".html")) special = [to(p, p.slice(0, -5)), to(`${p.slice(0, -5)}/index.html`, p.slice(0, -5))];
	return firstOf([...special, file(p), file(`${p}.html`), file(`${p}/index.html`)]) ?? notFound(p, config, exists);
}

function htmlHandlingNone(pathname: string, config: Config, exists: Exists): Intent | null {
	const exact = exists(pathname);
	return exact ? found(exact) : notFound(pathname, config, exists);
}

function notFound(pathname: string, config: Config, exists: Exists): Intent | null {
	switch (config.not_found_handling) {
		case "single-page-application": {
			const eTag = exists("/index.html");
			return eTag ? found(eTag, 200, "not-found") : null;
		}
		case "404-page": {
			// The nearest 404.html up the tree: /a/b/c → /a/b/404.html, /a/404.html, /404.html.
			let cwd = pathname;
			while (cwd) {
				cwd = cwd.slice(0, cwd.lastIndexOf("/"));
				const eTag = exists(`${cwd}/404.html`);
				if (eTag) return found(eTag, 404, "not-found");
			}
			return null;
		}
		case "none":
			return null;
	}
}

/** What the asset side makes of a request, before any byte is read. */
export type Outcome =
	| { kind: "none" }
	| { kind: "method-not-allowed" }
	| { kind: "redirect"; location: string }
	| { kind: "asset"; eTag: string; status: 200 | 404 };

/**
 * The asset-worker's decision for a request (getResponseOrAssetIntent): nothing (the Worker's, or a
 * bare 404), a 405, a 307 to the path's canonical form, or a file. `pathname` and `search` are the
 * request URL's, still percent-encoded.
 */
export function assetOutcome(method: string, pathname: string, search: string, config: Config, exists: Exists): Outcome {
	const decoded = decodePath(pathname);
	const intent = getIntent(decoded, config, exists);
	if (!intent) return { kind: "none" };
	if (method !== "GET" && method !== "HEAD") return { kind: "method-not-allowed" };
	const encoded = encodePath(intent.redirect ?? decoded);
	if ((encoded !== pathname && intent.asset) || intent.redirect !== null) return { kind: "redirect", location: encoded + search };
	return { kind: "asset", ...intent.asset! };
}

/** Whether the asset side would answer (the router's `unstable_canFetch`). */
export function canFetch(
	method: string,
	pathname: string,
	routing: AssetRouting,
	hasStaticRouting: boolean,
	navigating: boolean,
	exists: Exists,
) {
	// Without static routing or a navigation, a path no file answers is the Worker's, whatever not_found_handling says.
	const config =
		hasStaticRouting || (routing.navigation_prefers_assets && navigating) ? routing : { ...routing, not_found_handling: "none" as const };
	return assetOutcome(method, pathname, "", config, exists).kind !== "none";
}

export type { HtmlHandling };
