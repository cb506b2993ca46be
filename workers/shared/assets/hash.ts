/**
 * An asset's content address: wrangler's hash, so that files hashed by wrangler and by ferry name the
 * same asset. BLAKE3 of the file's base64 text followed by its extension (without the dot), the first
 * 16 bytes as 32 hex digits (wrangler's `hashFile`; the extension is in the input so that the same
 * bytes as `a.txt` and `a.html` are two assets, each with its own content type).
 *
 * @noble/hashes rather than wrangler's blake3-wasm: the API Worker verifies every uploaded file
 * against its hash, and a Worker cannot compile WebAssembly from bytes at run time.
 */
import { blake3 } from "@noble/hashes/blake3.js";

export const ASSET_HASH = /^[0-9a-f]{32}$/;

const encoder = new TextEncoder();

/** Node's `path.posix.extname(path).slice(1)`: "" for "/a", "/.env" and "/a."; "gz" for "/a.tar.gz". */
export function extensionOf(path: string): string {
	const base = path.slice(path.lastIndexOf("/") + 1);
	const dot = base.lastIndexOf(".");
	if (dot <= 0 || base === "..") return "";
	return base.slice(dot + 1);
}

/** The hash of a file given as its base64 text (as the upload carries it) and the path it is served at. */
export function assetHashOfBase64(base64: string, path: string): string {
	const digest = blake3(encoder.encode(base64 + extensionOf(path)));
	let hex = "";
	for (let i = 0; i < 16; i++) hex += digest[i]!.toString(16).padStart(2, "0");
	return hex;
}
