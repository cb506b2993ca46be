/**
 * The panel's own static files, served by the panel (no CDN: it works offline): the stylesheet,
 * the icon and the live log's script. Kept as modules rather than files so that the platform's bundling (wrangler's, and
 * local/workers.ts's esbuild) needs no loader rules.
 */
import { factory } from "../env";
import { LIVE_LOGS_JS } from "./live-logs";
import { PANEL_CSS } from "./panel.css";

export const STYLESHEET_PATH = "/static/panel.css";
export const ICON_PATH = "/static/icon.svg";
export const LIVE_LOGS_PATH = "/static/live-logs.js";

const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0b57d0"/><path d="M3 10h10l-2 3H5z" fill="#fff"/></svg>`;

const cached = (type: string) => ({ "content-type": type, "cache-control": "public, max-age=300" });

export const staticRoutes = factory
	.createApp()
	.get("/panel.css", (c) => c.body(PANEL_CSS, 200, cached("text/css; charset=utf-8")))
	.get("/icon.svg", (c) => c.body(ICON, 200, cached("image/svg+xml")))
	.get("/live-logs.js", (c) => c.body(LIVE_LOGS_JS, 200, cached("text/javascript; charset=utf-8")));

/** Browsers ask for /favicon.ico whatever the page says; it must not count as a page (nor send anyone to sign in). */
export const faviconRoute = factory.createApp().get("/favicon.ico", (c) => c.redirect(ICON_PATH, 301));
