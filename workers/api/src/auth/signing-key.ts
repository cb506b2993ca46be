/**
 * Keys for the tokens the API signs itself (HS256 JWTs: asset upload sessions, live tails), derived
 * from FERRY_ADMIN_TOKEN so an installation needs no second secret: HMAC-SHA256 of the admin token
 * over a label that names the use, so a token signed for one use never verifies for another.
 * Rotating the admin token invalidates every such token; they live an hour at most.
 */
const keys = new Map<string, Promise<string>>();

/** The signing key for this admin token and label (hex), derived once per isolate. */
export function signingKey(adminToken: string | undefined, label: string): Promise<string> {
	if (!adminToken) throw new Error(`FERRY_ADMIN_TOKEN is not set: ${label} tokens cannot be signed`);
	const cacheKey = `${label}\n${adminToken}`;
	let key = keys.get(cacheKey);
	if (!key) {
		key = (async () => {
			const hmac = await crypto.subtle.importKey("raw", new TextEncoder().encode(adminToken), { name: "HMAC", hash: "SHA-256" }, false, [
				"sign",
			]);
			const mac = await crypto.subtle.sign("HMAC", hmac, new TextEncoder().encode(label));
			return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
		})();
		keys.set(cacheKey, key);
	}
	return key;
}
