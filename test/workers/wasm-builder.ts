/**
 * Minimal WebAssembly binaries for the cases no toolchain produces on purpose (a module importing
 * from the wrong place, a reactor, a start function that traps). Every function has type () → ().
 */

const uleb = (n: number): number[] => {
	const out: number[] = [];
	do {
		let byte = n & 0x7f;
		n >>>= 7;
		if (n !== 0) byte |= 0x80;
		out.push(byte);
	} while (n !== 0);
	return out;
};
const name = (s: string) => {
	const bytes = [...new TextEncoder().encode(s)];
	return [...uleb(bytes.length), ...bytes];
};
const vector = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];

const FUNCTION = 0x00;
const MEMORY = 0x02;
const UNREACHABLE = 0x00;
const END = 0x0b;

export interface ModuleShape {
	/** Function imports, as [module, name]. */
	imports?: [string, string][];
	/** Names under which the module's one function is exported. */
	exports?: string[];
	/** Export a one-page memory as "memory". */
	memory?: boolean;
	/** Make the function the start function and have it trap. */
	trappingStart?: boolean;
	/** Bytes of padding in a custom section, to make a module of a given size. */
	padding?: number;
}

export function wasmModule({
	imports = [],
	exports = [],
	memory = false,
	trappingStart = false,
	padding = 0,
}: ModuleShape): Uint8Array<ArrayBuffer> {
	const functionIndex = imports.length;
	const body = trappingStart ? [0x00, UNREACHABLE, END] : [0x00, END];
	const bytes = [
		0x00,
		0x61,
		0x73,
		0x6d,
		0x01,
		0x00,
		0x00,
		0x00,
		...section(1, vector([[0x60, 0x00, 0x00]])),
		...section(2, vector(imports.map(([module, field]) => [...name(module), ...name(field), FUNCTION, 0x00]))),
		...section(3, vector([[0x00]])),
		...(memory ? section(5, vector([[0x00, 0x01]])) : []),
		...section(
			7,
			vector([
				...exports.map((e) => [...name(e), FUNCTION, ...uleb(functionIndex)]),
				...(memory ? [[...name("memory"), MEMORY, 0x00]] : []),
			]),
		),
		...(trappingStart ? section(8, uleb(functionIndex)) : []),
		...section(10, vector([[...uleb(body.length), ...body]])),
	];
	const module = new Uint8Array(bytes);
	if (padding === 0) return module;
	// A custom section of zeros: valid anywhere, ignored by the engine.
	const customHeader = [0x00, ...uleb(name("padding").length + padding), ...name("padding")];
	const padded = new Uint8Array(module.length + customHeader.length + padding);
	padded.set(module);
	padded.set(customHeader, module.length);
	return padded;
}
