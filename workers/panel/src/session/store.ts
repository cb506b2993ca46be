/**
 * The panel's sessions in D1 (the panel_sessions table, workers/shared/db/schema.ts): created at
 * sign-in with the token sealed (./secret.ts), found by the cookie's secret, gone at sign-out or
 * expiry. The clear token exists only in memory, for the request that uses it.
 */
import { eq, lt } from "drizzle-orm";
import type { Database } from "../../../shared/db";
import { panelSessions } from "../../../shared/db/schema";
import { csrfToken, newSecret, openToken, SECRET_PATTERN, sealToken, sessionId } from "./secret";

/** How long a session lasts from sign-in, whatever the browser does with its cookie. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export interface NewSession {
	kind: "tenant" | "operator";
	tenant?: { id: string; name: string };
	token: string;
}

/** A new session's row; returns the secret for the cookie. Expired sessions are swept on the way. */
export async function createSession(db: Database, session: NewSession, now = Date.now()): Promise<{ secret: string; expiresAt: number }> {
	const secret = newSecret();
	const id = await sessionId(secret);
	const expiresAt = now + SESSION_TTL_MS;
	await db.batch([
		db.delete(panelSessions).where(lt(panelSessions.expiresAt, now)),
		db.insert(panelSessions).values({
			id,
			kind: session.kind,
			tenantId: session.tenant?.id ?? null,
			tenantName: session.tenant?.name ?? null,
			tokenCiphertext: await sealToken(secret, id, session.token),
			createdAt: now,
			expiresAt,
		}),
	]);
	return { secret, expiresAt };
}

export interface OpenSession {
	id: string;
	kind: "tenant" | "operator";
	who: string;
	token: string;
	csrf: string;
	expiresAt: number;
}

/** The live session a cookie's secret opens, or undefined (no such row, expired, or a secret that does not open its token). */
export async function findSession(db: Database, secret: string, now = Date.now()): Promise<OpenSession | undefined> {
	if (!SECRET_PATTERN.test(secret)) return undefined;
	const id = await sessionId(secret);
	const [row] = await db.select().from(panelSessions).where(eq(panelSessions.id, id)).limit(1);
	if (!row) return undefined;
	if (row.expiresAt <= now) {
		await endSession(db, id);
		return undefined;
	}
	const token = await openToken(secret, id, row.tokenCiphertext);
	if (token === undefined) return undefined;
	return {
		id,
		kind: row.kind,
		who: row.kind === "operator" ? "operator" : (row.tenantName ?? ""),
		token,
		csrf: await csrfToken(secret),
		expiresAt: row.expiresAt,
	};
}

/** Sign-out, or a session whose token the API no longer takes: the row is deleted, so the cookie opens nothing. */
export async function endSession(db: Database, id: string): Promise<void> {
	await db.delete(panelSessions).where(eq(panelSessions.id, id));
}
