/**
 * What a session's cookie secret gives the server, and only with it: the row's id (its sha256), the
 * key the row's API token is encrypted under (HKDF → AES-GCM) and the session's CSRF token (HMAC).
 * The secret itself is never stored: a copy of the database has ids and ciphertexts, no key; the
 * cookie alone has no token. All WebCrypto.
 */
import { base64url, sha256Hex } from "../../../shared/ids";

const encoder = new TextEncoder();

const fromBase64 = (text: string): Uint8Array<ArrayBuffer> => {
	const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
};

/** 32 random bytes, base64url: a session's cookie value, or the sign-in form's one-time value. */
export const newSecret = (): string => base64url(crypto.getRandomValues(new Uint8Array(32)));

/** A cookie value that could be a secret (43 base64url characters); anything else is not looked up. */
export const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The row id of the session whose cookie holds `secret`. */
export const sessionId = (secret: string): Promise<string> => sha256Hex(`ferry-panel-session:${secret}`);

async function hkdf(secret: string, info: string, usage: "aes" | "hmac"): Promise<CryptoKey> {
	const base = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"]);
	const params = { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: encoder.encode(info) };
	return usage === "aes"
		? crypto.subtle.deriveKey(params, base, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"])
		: crypto.subtle.deriveKey(params, base, { name: "HMAC", hash: "SHA-256", length: 256 }, false, ["sign"]);
}

/** The API token, encrypted under the secret's key and bound to the row (`id` is the additional data): base64 of IV ‖ ciphertext. */
export async function sealToken(secret: string, id: string, token: string): Promise<string> {
	const iv = crypto.getRandomValues(new Uint8Array(12));
	const key = await hkdf(secret, "ferry panel: api token", "aes");
	const sealed = new Uint8Array(
		await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: encoder.encode(id) }, key, encoder.encode(token)),
	);
	const out = new Uint8Array(iv.length + sealed.length);
	out.set(iv);
	out.set(sealed, iv.length);
	return base64url(out);
}

/** The API token back, or undefined when this secret did not seal it (a forged or mixed-up cookie). */
export async function openToken(secret: string, id: string, sealed: string): Promise<string | undefined> {
	try {
		const bytes = fromBase64(sealed);
		const key = await hkdf(secret, "ferry panel: api token", "aes");
		const plain = await crypto.subtle.decrypt(
			{ name: "AES-GCM", iv: bytes.slice(0, 12), additionalData: encoder.encode(id) },
			key,
			bytes.slice(12),
		);
		return new TextDecoder().decode(plain);
	} catch {
		return undefined;
	}
}

/** The session's CSRF token: every form carries it, every POST is checked against it. */
export async function csrfToken(secret: string): Promise<string> {
	const key = await hkdf(secret, "ferry panel: csrf", "hmac");
	return base64url(new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode("csrf"))));
}
