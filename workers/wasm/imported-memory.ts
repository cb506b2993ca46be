/**
 * Rewrites a WASI command so that it imports its linear memory instead of defining it: the one change
 * that lets the WAGI shim give every request a fresh instance without allocating a fresh memory.
 *
 * Why: allocating a WebAssembly memory is most of what a fresh instance costs (V8 reserves address
 * space with guard regions for it, and frees it in a GC later); instantiating a module that imports
 * one is several times cheaper. The shim keeps one memory of the module's declared size per isolate,
 * zeroes it after every request and hands it to the next instance, whose data segments are written
 * into it at instantiation exactly as into a new memory (../wagi-shim/memory.ts). What a module sees is
 * what a fresh memory holds: zeroes, its data, the declared size.
 *
 * The rewrite moves the memory section's one entry into the import section, as `__ferry.memory`, and
 * changes nothing else: imports come first in each index space, so with no memory imported before,
 * the module's memory keeps index 0 and every instruction, export and data segment still refers to it.
 * Modules it does not apply to (no memory of their own, several, shared or 64-bit memories, custom
 * page sizes, binaries it cannot read) are left as they were and keep a fresh memory per request.
 */
import { Reader, WasmReadError } from "./binary";

/** Where the rewritten module imports its memory from (a module name no WASI module uses). */
export const IMPORTED_MEMORY = { module: "__ferry", name: "memory" } as const;

/** The memory's declared size, in 64 KiB pages: what the shim allocates for it. */
export interface MemoryLimits {
	initial: number;
	maximum?: number;
}

const SECTION = { custom: 0, type: 1, import: 2, memory: 5 } as const;
const MEMORY_KIND = 0x02;
/** Limits flags the rewrite understands: 0x00 (minimum), 0x01 (minimum and maximum). */
const HAS_MAXIMUM = 0x01;

interface Section {
	id: number;
	/** Where the section starts (its id byte), and where its contents start and end. */
	header: number;
	start: number;
	end: number;
}

const uleb = (n: number): number[] => {
	const out: number[] = [];
	do {
		let byte = n % 128;
		n = Math.floor(n / 128);
		if (n !== 0) byte |= 0x80;
		out.push(byte);
	} while (n !== 0);
	return out;
};

const name = (text: string): number[] => {
	const bytes = [...new TextEncoder().encode(text)];
	return [...uleb(bytes.length), ...bytes];
};

function sections(bytes: Uint8Array): Section[] {
	const reader = new Reader(bytes).at(8);
	const found: Section[] = [];
	while (!reader.done) {
		const header = reader.position;
		const id = reader.byte();
		const size = reader.unsigned();
		const start = reader.position;
		if (start + size > bytes.length) throw new WasmReadError("a section runs past the end of the binary");
		found.push({ id, header, start, end: start + size });
		reader.at(start + size);
	}
	return found;
}

/** The memory section's one memory, when it is one the rewrite applies to. */
function ownMemory(bytes: Uint8Array, section: Section): { limits: MemoryLimits; type: Uint8Array } | undefined {
	const reader = new Reader(bytes).at(section.start);
	if (reader.unsigned() !== 1) return undefined;
	const typeStart = reader.position;
	const flags = reader.byte();
	if ((flags & ~HAS_MAXIMUM) !== 0) return undefined; // shared, 64-bit or custom page size
	const initial = reader.unsigned();
	const maximum = flags & HAS_MAXIMUM ? reader.unsigned() : undefined;
	if (reader.position !== section.end) return undefined;
	return { limits: { initial, ...(maximum === undefined ? {} : { maximum }) }, type: bytes.subarray(typeStart, section.end) };
}

/** Whether the import section already imports a memory (then the module has no memory of its own to move). */
function importsMemory(bytes: Uint8Array, section: Section): boolean {
	const reader = new Reader(bytes).at(section.start);
	for (let count = reader.unsigned(); count > 0; count--) {
		reader.name();
		reader.name();
		const kind = reader.kind();
		if (kind === "memory") return true;
		reader.importDescription(kind);
	}
	return false;
}

/**
 * `bytes` with its memory imported as {@link IMPORTED_MEMORY}, and the memory's limits; undefined
 * when the rewrite does not apply (see above). `bytes` should be a valid module (WebAssembly.validate):
 * the rewrite reads only the section layout and keeps a valid module valid.
 */
export function importMemory(bytes: Uint8Array): { bytes: Uint8Array<ArrayBuffer>; memory: MemoryLimits } | undefined {
	let all: Section[];
	try {
		all = sections(bytes);
	} catch (error) {
		if (error instanceof WasmReadError) return undefined;
		throw error;
	}
	const memorySections = all.filter((s) => s.id === SECTION.memory);
	const imports = all.filter((s) => s.id === SECTION.import);
	if (memorySections.length !== 1 || imports.length > 1) return undefined;
	const memory = ownMemory(bytes, memorySections[0]!);
	const importSection = imports[0];
	if (!memory || (importSection && importsMemory(bytes, importSection))) return undefined;

	const memoryImport = [...name(IMPORTED_MEMORY.module), ...name(IMPORTED_MEMORY.name), MEMORY_KIND, ...memory.type];
	let importContents: number[];
	if (importSection) {
		const reader = new Reader(bytes).at(importSection.start);
		const count = reader.unsigned();
		importContents = [...uleb(count + 1), ...bytes.subarray(reader.position, importSection.end), ...memoryImport];
	} else {
		importContents = [...uleb(1), ...memoryImport];
	}
	const importBytes = [SECTION.import, ...uleb(importContents.length), ...importContents];

	// The sections in their order, the import section replaced (or placed before the first section
	// that must follow it), the memory section left out; custom sections stay where they were.
	const parts: Uint8Array[] = [bytes.subarray(0, 8)];
	let placed = false;
	for (const section of all) {
		const whole = bytes.subarray(section.header, section.end);
		if (section.id === SECTION.import) {
			parts.push(Uint8Array.from(importBytes));
			placed = true;
			continue;
		}
		if (!placed && section.id !== SECTION.custom && section.id !== SECTION.type) {
			parts.push(Uint8Array.from(importBytes));
			placed = true;
		}
		if (section.id !== SECTION.memory) parts.push(whole);
	}
	const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
	let offset = 0;
	for (const part of parts) {
		out.set(part, offset);
		offset += part.byteLength;
	}
	return { bytes: out, memory: memory.limits };
}
