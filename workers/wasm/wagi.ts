/**
 * A WASI command deployment as Workers modules (the WAGI contract, docs/wasm.md): the tenant's .wasm,
 * the shim, and a small main module that hands the one to the other. The upload reader adds the two
 * platform modules to a WASI upload, so they are stored, hashed and published exactly like the
 * tenant's own: both runtimes run the same module graph with no special case, and the shim's bytes
 * are stored once in R2 for every deployment that uses this version of it.
 */
import { WAGI_SHIM_SOURCE } from "./wagi-shim.generated";

/** Module names under this folder are the platform's; a WASI upload cannot use them. */
export const PLATFORM_MODULE_FOLDER = "__ferry/";
export const WAGI_MAIN_MODULE = `${PLATFORM_MODULE_FOLDER}wagi-main.js`;
export const WAGI_SHIM_MODULE = `${PLATFORM_MODULE_FOLDER}wagi-shim.js`;

export interface PlatformModule {
	name: string;
	contentType: string;
	bytes: ArrayBuffer;
}

const ES_MODULE = "application/javascript+module";
// encode() returns a view of a fresh ArrayBuffer of exactly its length.
const encode = (text: string) => new TextEncoder().encode(text).buffer as ArrayBuffer;

/** The modules that serve the WASI module named `wasmModule` (its main module first). */
export function wagiModules(wasmModule: string): PlatformModule[] {
	// Relative to the main module's folder; the wasm import gives the compiled WebAssembly.Module.
	const main = [
		"// Ferry: serves the deployment's WASI module under the WAGI contract (docs/wasm.md).",
		`import module from ${JSON.stringify(`../${wasmModule}`)};`,
		`import { serveWagi } from ${JSON.stringify(`./${WAGI_SHIM_MODULE.slice(PLATFORM_MODULE_FOLDER.length)}`)};`,
		"export default serveWagi(module);",
		"",
	].join("\n");
	return [
		{ name: WAGI_MAIN_MODULE, contentType: ES_MODULE, bytes: encode(main) },
		{ name: WAGI_SHIM_MODULE, contentType: ES_MODULE, bytes: encode(WAGI_SHIM_SOURCE) },
	];
}
