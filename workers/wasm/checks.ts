/**
 * The Built stage's checks of WebAssembly modules. Each answers why a module cannot run, in words the
 * tenant can act on, or undefined when it can (like ../shared/names.ts).
 */
import { formatBytes } from "../shared/format";
import { LIMITS } from "../shared/limits";
import { readInterface, WasmReadError } from "./binary";
import { readHeader } from "./header";
import { WASI_FUNCTIONS } from "./wagi-shim.generated";

/** Why `bytes` cannot be a WebAssembly module of a deployment (JS Workers' imports and WASI modules alike). */
export function wasmModuleProblem(bytes: Uint8Array): string | undefined {
	if (bytes.byteLength > LIMITS.wasmModuleBytes)
		return `is ${formatBytes(bytes.byteLength)}; a WebAssembly module may be at most ${formatBytes(LIMITS.wasmModuleBytes)}`;
	const header = readHeader(bytes);
	switch (header.kind) {
		case "not-wasm":
			return "is not WebAssembly: it does not start with the magic number \\0asm";
		case "component":
			return "is a WebAssembly component (the component model, WASI 0.2); Ferry runs core modules: build for WASI preview1 (wasm32-wasip1)";
		case "other-version":
			return `is WebAssembly binary version ${header.version}; Ferry runs version 1`;
		case "module":
			break;
	}
	if (!WebAssembly.validate(bytes)) return "is not a valid WebAssembly module (WebAssembly.validate refused it)";
	return undefined;
}

const WASI_MODULE = "wasi_snapshot_preview1";
const PROVIDED = new Set(WASI_FUNCTIONS);
const MAX_LISTED = 5;

const listed = (items: string[]) =>
	items.length > MAX_LISTED ? `${items.slice(0, MAX_LISTED).join(", ")} and ${items.length - MAX_LISTED} more` : items.join(", ");

/**
 * Why a valid WebAssembly module cannot be served as a WASI preview1 command under the WAGI shim: it
 * must export `_start` and its memory, and import nothing but WASI functions the shim provides.
 */
export function wasiCommandProblem(bytes: Uint8Array): string | undefined {
	let imports: ReturnType<typeof readInterface>["imports"];
	let exports: ReturnType<typeof readInterface>["exports"];
	try {
		({ imports, exports } = readInterface(bytes));
	} catch (error) {
		if (error instanceof WasmReadError) return `cannot be read as a WASI module: ${error.message}`;
		throw error;
	}
	const exported = (name: string, kind: string) => exports.some((e) => e.name === name && e.kind === kind);

	if (!exported("_start", "function")) {
		return exported("_initialize", "function")
			? "is a WASI reactor (it exports _initialize, not _start); WAGI runs commands: build it as a program with a main function"
			: "exports no _start function: a WASI command (a program with a main function, built for wasm32-wasi) exports _start";
	}
	if (!exported("memory", "memory")) return "exports no memory named 'memory', which WASI needs to pass data to the module";

	if (imports.some((i) => i.module === "wasi_unstable"))
		return "imports wasi_unstable (WASI preview 0); Ferry provides WASI preview1 (wasi_snapshot_preview1): rebuild with a current toolchain";
	const foreign = imports.filter((i) => i.module !== WASI_MODULE || i.kind !== "function").map((i) => `${i.module}.${i.name}`);
	if (foreign.length > 0) return `imports ${listed(foreign)}: a WASI module served by Ferry may import only ${WASI_MODULE} functions`;
	const missing = imports.filter((i) => !PROVIDED.has(i.name)).map((i) => i.name);
	if (missing.length > 0) return `imports ${WASI_MODULE} functions Ferry does not provide: ${listed(missing)}`;
	return undefined;
}
