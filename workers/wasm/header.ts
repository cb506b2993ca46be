/**
 * What the first 8 bytes of a WebAssembly binary say. Its own module, free of TypeScript-only syntax,
 * so that the CLI (which Node runs with its types stripped) can check a file before uploading it.
 */

const MAGIC = [0x00, 0x61, 0x73, 0x6d]; // "\0asm"

/**
 * What the first 8 bytes say: a core module (version 1), a component (the component model's
 * layer 1, version 0x0d), another version, or not WebAssembly at all.
 */
export type WasmHeader = { kind: "module" } | { kind: "component" } | { kind: "other-version"; version: number } | { kind: "not-wasm" };

export function readHeader(bytes: Uint8Array): WasmHeader {
	if (bytes.length < 8 || MAGIC.some((byte, i) => bytes[i] !== byte)) return { kind: "not-wasm" };
	const version = bytes[4]! | (bytes[5]! << 8);
	const layer = bytes[6]! | (bytes[7]! << 8);
	if (version === 1 && layer === 0) return { kind: "module" };
	if (layer === 1) return { kind: "component" };
	return { kind: "other-version", version: version + layer * 0x10000 };
}
