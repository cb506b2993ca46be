/**
 * Secrets at rest (docs/secrets.md): AES-GCM under the platform's key FERRY_SECRETS_KEY (a Worker
 * secret: 32 random bytes, base64url), one fresh 12-byte IV per value, and `<script id>/<name>` as
 * the additional data, so a ciphertext copied to another script or another name does not decrypt.
 * Stored as `v1.<iv base64url>.<ciphertext base64url>`. All WebCrypto; the key never leaves the
 * Workers that hold it (the API, and the dispatcher only when it runs tenant code over Worker Loader).
 */
import { base64url } from "../ids";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const FORMAT = "v1";

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
	const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
}

/** A new key for FERRY_SECRETS_KEY: 32 random bytes, base64url. */
export const newSecretsKey = (): string => base64url(crypto.getRandomValues(new Uint8Array(32)));

/** The key is imported once per isolate (a Worker's secret does not change while it runs). */
let imported: { text: string; key: Promise<CryptoKey> } | undefined;

function importKey(text: string): Promise<CryptoKey> {
	if (imported?.text !== text) {
		const raw = fromBase64url(text);
		if (raw.byteLength !== 32) throw new Error("FERRY_SECRETS_KEY must be 32 bytes, base64url (43 characters)");
		imported = { text, key: crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]) };
	}
	return imported.key;
}

const additionalData = (scriptId: string, name: string) => encoder.encode(`${scriptId}/${name}`);

/** A secret's value, sealed for its script and name. */
export async function sealSecret(keyText: string, scriptId: string, name: string, value: string): Promise<string> {
	const iv = crypto.getRandomValues(new Uint8Array(12));
	const sealed = await crypto.subtle.encrypt(
		{ name: "AES-GCM", iv, additionalData: additionalData(scriptId, name) },
		await importKey(keyText),
		encoder.encode(value),
	);
	return `${FORMAT}.${base64url(iv)}.${base64url(new Uint8Array(sealed))}`;
}

/** The value back; throws when the ciphertext is not this script's and name's under this key. */
export async function openSecret(keyText: string, scriptId: string, name: string, stored: string): Promise<string> {
	const [format, iv, sealed] = stored.split(".");
	if (format !== FORMAT || !iv || !sealed) throw new Error(`secret '${name}' is not stored in a format this platform reads`);
	const plain = await crypto.subtle.decrypt(
		{ name: "AES-GCM", iv: fromBase64url(iv), additionalData: additionalData(scriptId, name) },
		await importKey(keyText),
		fromBase64url(sealed),
	);
	return decoder.decode(plain);
}

/** A deployment's secrets, sealed (name → stored value, as `deployments.secrets` holds them), opened. */
export async function openSecrets(
	keyText: string | undefined,
	scriptId: string,
	sealed: Readonly<Record<string, string>>,
): Promise<Record<string, string>> {
	const entries = Object.entries(sealed);
	if (entries.length === 0) return {};
	if (!keyText) throw new Error("this deployment has secrets, but this Worker has no FERRY_SECRETS_KEY to open them");
	const opened = await Promise.all(entries.map(([name, value]) => openSecret(keyText, scriptId, name, value)));
	return Object.fromEntries(entries.map(([name], i) => [name, opened[i]!]));
}
