/**
 * A WASI command deployment as Workers modules (the WAGI contract, docs/wasm.md): the tenant's .wasm,
 * the shim, and a small main module that hands the one to the other. The upload reader adds the two
 * platform modules to a WASI upload, so they are stored, hashed and published exactly like the
 * tenant's own: both runtimes run the same module graph with no special case, and the shim's bytes
 * are stored once in R2 for every deployment that uses this version of it. The tenant's module is
 * stored with its memory imported where that applies (./imported-memory.ts: the same code, a cheaper
 * fresh instance per request); the Built stage checks it as uploaded.
 */
import { importMemory, type MemoryLimits } from "./imported-memory";
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

function mainModule(wasmModule: string, memory: MemoryLimits | undefined): string {
	// Relative to the main module's folder; the wasm import gives the compiled WebAssembly.Module.
	return [
		"// Ferry: serves the deployment's WASI module under the WAGI contract (docs/wasm.md).",
		`import module from ${JSON.stringify(`../${wasmModule}`)};`,
		`import { serveWagi } from ${JSON.stringify(`./${WAGI_SHIM_MODULE.slice(PLATFORM_MODULE_FOLDER.length)}`)};`,
		// The memory the rewritten module imports: its declared size, as it was in the uploaded binary.
		`export default serveWagi(module${memory ? `, ${JSON.stringify(memory)}` : ""});`,
		"",
	].join("\n");
}

/**
 * The module graph that serves the tenant's WASI module `wasm`: that module (its memory moved to an
 * import when the rewrite applies, else as uploaded), then the main module and the shim.
 */
export function wagiModules(wasm: PlatformModule): PlatformModule[] {
	const bytes = new Uint8Array(wasm.bytes);
	// Only a valid module is rewritten (the Built stage says what is wrong with any other), and the
	// result is checked too: validating costs little and guards the rewrite's claim.
	const candidate = WebAssembly.validate(bytes) ? importMemory(bytes) : undefined;
	const rewritten = candidate && WebAssembly.validate(candidate.bytes) ? candidate : undefined;
	return [
		rewritten ? { ...wasm, bytes: rewritten.bytes.buffer } : wasm,
		{ name: WAGI_MAIN_MODULE, contentType: ES_MODULE, bytes: encode(mainModule(wasm.name, rewritten?.memory)) },
		{ name: WAGI_SHIM_MODULE, contentType: ES_MODULE, bytes: encode(WAGI_SHIM_SOURCE) },
	];
}
