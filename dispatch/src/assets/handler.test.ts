import { describe, expect, it } from "vitest";
import type { HtmlHandling, NotFoundHandling } from "../../../workers/shared/assets/manifest";
import { assetOutcome, canFetch } from "./handler";

const FILES = ["/index.html", "/about.html", "/blog/index.html", "/docs/404.html", "/404.html", "/a b.txt", "/~x.txt"];
const exists = (path: string) => (FILES.includes(path) ? `hash:${path}` : null);

const outcome = (path: string, html: HtmlHandling, notFound: NotFoundHandling = "none", method = "GET") => {
	const o = assetOutcome(method, path, "", { html_handling: html, not_found_handling: notFound }, exists);
	return o.kind === "asset" ? `${o.status} ${o.eTag.slice(5)}` : o.kind === "redirect" ? `307 ${o.location}` : o.kind;
};

describe("the asset-worker's decisions", () => {
	it.each([
		["auto-trailing-slash", "/", "200 /index.html"],
		["auto-trailing-slash", "/index.html", "307 /"],
		["auto-trailing-slash", "/index", "307 /"],
		["auto-trailing-slash", "/about", "200 /about.html"],
		["auto-trailing-slash", "/about.html", "307 /about"],
		["auto-trailing-slash", "/about/", "307 /about"],
		["auto-trailing-slash", "/blog", "307 /blog/"],
		["auto-trailing-slash", "/blog/", "200 /blog/index.html"],
		["auto-trailing-slash", "/blog/index.html", "307 /blog/"],
		["force-trailing-slash", "/about", "307 /about/"],
		["force-trailing-slash", "/about/", "200 /about.html"],
		["force-trailing-slash", "/about.html", "307 /about/"],
		["force-trailing-slash", "/blog", "307 /blog/"],
		["drop-trailing-slash", "/blog/", "307 /blog"],
		["drop-trailing-slash", "/blog", "200 /blog/index.html"],
		["drop-trailing-slash", "/about.html", "307 /about"],
		["drop-trailing-slash", "/", "200 /index.html"],
		["none", "/about", "none"],
		["none", "/about.html", "200 /about.html"],
		["none", "/", "none"],
	] as const)("%s: %s → %s", (html, path, expected) => {
		expect(outcome(path, html)).toBe(expected);
	});

	it("applies not_found_handling where nothing else answers", () => {
		expect(outcome("/app/deep/link", "auto-trailing-slash", "single-page-application")).toBe("200 /index.html");
		expect(outcome("/docs/missing/page", "auto-trailing-slash", "404-page")).toBe("404 /docs/404.html");
		expect(outcome("/missing", "none", "404-page")).toBe("404 /404.html");
		expect(outcome("/missing", "auto-trailing-slash", "none")).toBe("none");
	});

	it("decodes paths, redirects other spellings to the canonical one, and answers 405 to other methods on a file", () => {
		expect(outcome("/a%20b.txt", "auto-trailing-slash")).toBe("200 /a b.txt");
		expect(outcome("/%7Ex.txt", "auto-trailing-slash")).toBe("307 /~x.txt");
		expect(outcome("//about", "auto-trailing-slash")).toBe("307 /about");
		expect(outcome("/about", "auto-trailing-slash", "none", "POST")).toBe("method-not-allowed");
		expect(outcome("/nothing", "auto-trailing-slash", "none", "POST")).toBe("none");
	});

	it("leaves a request no file answers to the Worker, unless it is a navigation the single-page app takes", () => {
		const routing = {
			html_handling: "auto-trailing-slash",
			not_found_handling: "single-page-application",
			run_worker_first: false,
			has_worker: true,
			navigation_prefers_assets: true,
		} as const;
		expect(canFetch("GET", "/api/users", routing, false, false, exists)).toBe(false);
		expect(canFetch("GET", "/api/users", routing, false, true, exists)).toBe(true);
		expect(canFetch("GET", "/api/users", { ...routing, navigation_prefers_assets: false }, false, true, exists)).toBe(false);
		expect(canFetch("GET", "/api/users", routing, true, false, exists)).toBe(true);
		expect(canFetch("GET", "/about", routing, false, false, exists)).toBe(true);
	});
});
