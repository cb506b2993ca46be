/**
 * The frame of every page: one stylesheet of the panel's own (no CDN), a skip link, the main
 * navigation for the session's kind, and sign-out as a form (a POST with the CSRF token).
 * Hono's JSX escapes every value it renders; nothing here is written as raw HTML.
 */
import type { Child } from "hono/jsx";
import type { Session } from "../env";
import { ICON_PATH, STYLESHEET_PATH } from "../static/routes";

export const CsrfField = ({ token }: { token: string }) => <input type="hidden" name="csrf" value={token} />;

/** A time the API gave (ISO 8601), shown as it is and machine-readable. */
export const Time = ({ iso }: { iso: string | null }) =>
	iso ? <time datetime={iso}>{iso.replace("T", " ").replace(/\.\d+Z$/, " UTC")}</time> : <span>—</span>;

const TENANT_PAGES = [
	["/scripts", "Scripts"],
	["/tokens", "Tokens"],
	["/usage", "Usage"],
] as const;
const OPERATOR_PAGES = [
	["/tenants", "Tenants"],
	["/plans", "Plans"],
	["/usage", "Usage"],
] as const;

function Navigation({ session }: { session: Session }) {
	return (
		<header class="top">
			<a class="brand" href="/">
				Ferry
			</a>
			<nav aria-label="Main">
				<ul>
					{(session.kind === "tenant" ? TENANT_PAGES : OPERATOR_PAGES).map(([href, label]) => (
						<li>
							<a href={href}>{label}</a>
						</li>
					))}
				</ul>
			</nav>
			<form class="sign-out" method="post" action="/sign-out">
				<CsrfField token={session.csrf} />
				<span class="who">{session.kind === "operator" ? "Operator" : `Tenant ${session.who}`}</span>
				<button type="submit">Sign out</button>
			</form>
		</header>
	);
}

export interface LayoutProps {
	title: string;
	session?: Session | undefined;
	/** A line saying what the last action did. */
	notice?: string | undefined;
	children?: Child;
}

export function Layout({ title, session, notice, children }: LayoutProps) {
	return (
		<html lang="en">
			<head>
				<meta charset="utf-8" />
				<meta name="viewport" content="width=device-width, initial-scale=1" />
				<title>{`${title} · Ferry`}</title>
				<link rel="stylesheet" href={STYLESHEET_PATH} />
				<link rel="icon" href={ICON_PATH} type="image/svg+xml" />
			</head>
			<body>
				<a class="skip" href="#main">
					Skip to content
				</a>
				{session ? <Navigation session={session} /> : null}
				<main id="main">
					<h1>{title}</h1>
					{notice ? (
						<p class="notice" role="status">
							{notice}
						</p>
					) : null}
					{children}
				</main>
			</body>
		</html>
	);
}
