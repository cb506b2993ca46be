/**
 * `wrangler tail` through /client/v4: `POST …/workers/scripts/:name/tails` creates a tail and answers
 * Cloudflare's `{id, url, expires_at}`; wrangler then opens `url` as a WebSocket (protocol `trace-v1`)
 * and prints each message; `DELETE …/tails/:tail_id` when it stops. The WebSocket is the script's
 * live tail (`/v1/scripts/:name/tail`'s store, docs/telemetry.md), each record sent as the message
 * wrangler prints (./tail-messages.ts).
 *
 * wrangler connects to `url` without its API token, so the tail id is the credential, as on
 * Cloudflare: an HS256 token naming the tenant, the script (id and name) and the filters, signed with
 * a key derived from the admin token (../auth/signing-key.ts), valid for an hour. The socket
 * re-checks the script, so a tail of a deleted script (or of a new script under its name) opens nothing.
 */
import { sign, verify } from "hono/jwt";
import { FerryError, internalError, notFound } from "../../../shared/http/errors";
import { requestIdOf } from "../../../shared/http/request-id";
import { readEvents } from "../../../shared/http/sse";
import { log } from "../../../shared/log";
import { telemetryOf } from "../../../shared/telemetry/api";
import type { TailQuery } from "../../../shared/telemetry/query";
import type { InvocationRecord } from "../../../shared/telemetry/record";
import { iso } from "../../../shared/time";
import { signingKey } from "../auth/signing-key";
import { findScript } from "../deploy/queries";
import { factory } from "../env";
import { JSON_BODY_BYTES, readJson } from "../validate";
import { CloudflareError, ok } from "./envelope";
import { overloadMessage, type TraceMessage, tailBody, tailQueryOf, traceMessage } from "./tail-messages";

/** How long a tail id may be connected with (Cloudflare's tails expire too; wrangler prints when). */
const TAIL_TTL_SECONDS = 60 * 60;
const KEY_LABEL = "ferry/live-tail/v1";
const PROTOCOL = "trace-v1";

interface TailClaims {
	tenantId: string;
	scriptId: string;
	scriptName: string;
	query: TailQuery;
	expiresAt: number;
}

async function signTail(adminToken: string | undefined, claims: Omit<TailClaims, "expiresAt">, now: number) {
	const iat = Math.floor(now / 1000);
	const exp = iat + TAIL_TTL_SECONDS;
	const token = await sign(
		{ sub: claims.tenantId, sid: claims.scriptId, scr: claims.scriptName, q: claims.query, iat, exp },
		await signingKey(adminToken, KEY_LABEL),
		"HS256",
	);
	return { token, expiresAt: exp * 1000 };
}

/** The claims of a tail id this installation signed and that has not expired; null otherwise (never why). */
async function readTail(adminToken: string | undefined, token: string): Promise<TailClaims | null> {
	let payload: Record<string, unknown>;
	try {
		payload = await verify(token, await signingKey(adminToken, KEY_LABEL), "HS256");
	} catch {
		return null;
	}
	const { sub, sid, scr, q, exp } = payload;
	if (typeof sub !== "string" || typeof sid !== "string" || typeof scr !== "string" || typeof exp !== "number") return null;
	if (typeof q !== "object" || q === null) return null;
	return { tenantId: sub, scriptId: sid, scriptName: scr, query: q as TailQuery, expiresAt: exp * 1000 };
}

/** Under /accounts/:account_id/workers/scripts, behind the tenant's token. */
export const tailEndpoints = factory
	.createApp()
	.post("/:name/tails", async (c) => {
		const script = await findScript(c.var.db, c.var.tenant.id, c.req.param("name"));
		const body = await readJson(c.req.raw, JSON_BODY_BYTES, { asText: true });
		const parsed = tailBody.safeParse(body === undefined ? {} : body);
		if (!parsed.success)
			throw new FerryError("invalid_request", "the body is wrangler's {filters: [...]}: an object with a list of filters");
		const query = tailQueryOf(parsed.data.filters);
		const { token, expiresAt } = await signTail(
			c.env.FERRY_ADMIN_TOKEN,
			{ tenantId: c.var.tenant.id, scriptId: script.id, scriptName: script.name, query },
			Date.now(),
		);
		const url = new URL(`/client/v4/tails/${token}`, c.req.url);
		url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
		return ok(c, { id: token, url: url.href, expires_at: iso(expiresAt) });
	})
	.delete("/:name/tails/:tail_id", async (c) => {
		// The socket closes when wrangler does; nothing is held for the id itself.
		await findScript(c.var.db, c.var.tenant.id, c.req.param("name"));
		return ok(c, null);
	});

/**
 * `GET /client/v4/tails/:tail_id`, the WebSocket (mounted before the token check: the id is its
 * credential). Its path holds that credential, so a failure here is logged without it.
 */
export const tailSocketEndpoints = factory.createApp().get("/tails/:tail_id", async (c) => {
	const claims = await readTail(c.env.FERRY_ADMIN_TOKEN, c.req.param("tail_id"));
	if (!claims)
		throw new CloudflareError(401, 10000, "Authentication error: not a live tail of this platform, or it expired: run wrangler tail again");
	if (c.req.header("upgrade")?.toLowerCase() !== "websocket")
		throw new FerryError("invalid_request", `a live tail is a WebSocket: connect with Upgrade: websocket (protocol ${PROTOCOL})`);
	try {
		const script = await findScript(c.var.db, claims.tenantId, claims.scriptName);
		if (script.id !== claims.scriptId) throw notFound(`script '${claims.scriptName}'`);
		const stream = await telemetryOf(c.env.TELEMETRY).liveTail(script.id, claims.query);
		if (!stream) throw new FerryError("too_many_requests", `${script.name} has as many live tails open as it may; close one`);
		const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
		server.accept();
		c.executionCtx.waitUntil(relay(stream, server, claims, c.env.TENANT_DOMAIN, new URL(c.req.url)));
		return new Response(null, { status: 101, webSocket: client, headers: { "sec-websocket-protocol": PROTOCOL } });
	} catch (error) {
		if (error instanceof FerryError || error instanceof CloudflareError) throw error;
		const requestId = requestIdOf(c.req.raw);
		log.error("could not open a live tail", { requestId, script: claims.scriptName, error });
		throw internalError(requestId);
	}
});

/**
 * Sends the tail's records to the socket until either side ends: the client closing (wrangler's
 * Ctrl-C) cancels the store's stream, which frees the tail's place; the stream ending (the store
 * dropped a client that fell behind) closes the socket with 1011, on which wrangler reconnects;
 * the tail id expiring closes it with 1000, on which wrangler stops.
 */
async function relay(stream: ReadableStream<Uint8Array>, socket: WebSocket, claims: TailClaims, tenantDomain: string, via: URL) {
	const reader = stream.getReader();
	const done = new AbortController();
	const stop = () => done.abort();
	socket.addEventListener("close", stop);
	socket.addEventListener("error", stop);
	done.signal.addEventListener("abort", () => void reader.cancel().catch(() => {}));
	const expiry = setTimeout(
		() => {
			close(socket, 1000, "the tail expired");
			stop();
		},
		Math.max(claims.expiresAt - Date.now(), 0),
	);
	// The reader's chunks as a stream readEvents can walk; cancelling the reader ends it.
	const chunks = new ReadableStream<Uint8Array>({
		async pull(controller) {
			const { value, done } = await reader.read();
			if (done) controller.close();
			else controller.enqueue(value);
		},
	});
	let perSecond = 0;
	const send = (message: TraceMessage) => socket.send(JSON.stringify(message));
	try {
		for await (const event of readEvents(chunks)) {
			if (done.signal.aborted) break;
			const data = JSON.parse(event.data) as Record<string, unknown>;
			if (event.event === "ready") perSecond = Number(data.max_per_second);
			else if (event.event === "invocation") send(traceMessage(data as unknown as InvocationRecord, tenantDomain, via));
			else if (event.event === "skipped" && data.reason === "rate")
				send(overloadMessage(claims.scriptName, Number(data.count), perSecond, Date.now()));
		}
		if (!done.signal.aborted) close(socket, 1011, "the live tail ended: reconnect");
	} catch (error) {
		if (!done.signal.aborted) {
			log.warn("a live tail broke off", { script: claims.scriptName, error });
			close(socket, 1011, "the live tail broke off: reconnect");
		}
	} finally {
		clearTimeout(expiry);
		stop();
	}
}

function close(socket: WebSocket, code: number, reason: string): void {
	try {
		socket.close(code, reason);
	} catch {
		// Closed already.
	}
}
