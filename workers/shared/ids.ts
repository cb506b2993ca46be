/** Random identifiers and secrets, from the runtime's CSPRNG. */

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/**
 * A short lowercase id usable inside a hostname label. 10 characters of base36 is ~51 bits:
 * collisions are negligible for one installation, and a preview label `<id>--<name>` stays short.
 */
export function newId(length = 10): string {
	let id = "";
	while (id.length < length) {
		for (const byte of crypto.getRandomValues(new Uint8Array(length))) {
			// 252 = 7 * 36: skipping bytes above it keeps every character equally likely.
			if (byte < 252 && id.length < length) id += ALPHABET[byte % 36];
		}
	}
	return id;
}

/** A bearer token: 32 random bytes, base64url, with a prefix that makes leaked tokens greppable. */
export function newToken(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(32));
	return `ferry_${base64url(bytes)}`;
}

export function base64url(bytes: Uint8Array): string {
	let binary = "";
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export async function sha256Hex(data: BufferSource | string): Promise<string> {
	const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
	const digest = await crypto.subtle.digest("SHA-256", bytes);
	return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Constant-time comparison, so a secret (the admin token, a CSRF token) cannot be guessed byte by byte from response times. */
export async function sameSecret(a: string, b: string): Promise<boolean> {
	// Hashing first gives equal-length inputs, which timingSafeEqual requires.
	const [ha, hb] = await Promise.all([sha256Hex(a), sha256Hex(b)]);
	const enc = new TextEncoder();
	return crypto.subtle.timingSafeEqual(enc.encode(ha), enc.encode(hb));
}
