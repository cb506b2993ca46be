/**
 * What the Built stage reads from a WebAssembly binary without compiling it: the import and export
 * sections (the header is ./header.ts). Compiling is not an option there (workerd refuses to compile wasm at run
 * time, so WebAssembly.Module.imports()/exports() are out of reach), and a full parser would decode
 * every section, failing on newer proposals the platform has no need to understand. The two sections
 * read here have kept their layout since WebAssembly 1.0; everything else is skipped by its size.
 *
 * Callers run WebAssembly.validate() first, so the reader may trust the structure; a binary it still
 * cannot read raises WasmReadError.
 */

export class WasmReadError extends Error {
	override name = "WasmReadError";
}

export type ExternalKind = "function" | "table" | "memory" | "global" | "tag";
const EXTERNAL_KINDS: readonly ExternalKind[] = ["function", "table", "memory", "global", "tag"];

export interface WasmImport {
	module: string;
	name: string;
	kind: ExternalKind;
}

export interface WasmExport {
	name: string;
	kind: ExternalKind;
}

const SECTION = { import: 2, export: 7 } as const;
/** Reference types written as one byte followed by a heap type (the GC proposal's `ref null ht` / `ref ht`). */
const REF_WITH_HEAP_TYPE = new Set([0x63, 0x64]);

export class Reader {
	private offset = 0;
	private readonly decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
	private readonly bytes: Uint8Array;

	constructor(bytes: Uint8Array) {
		this.bytes = bytes;
	}

	get done(): boolean {
		return this.offset >= this.bytes.length;
	}

	at(offset: number): this {
		this.offset = offset;
		return this;
	}

	get position(): number {
		return this.offset;
	}

	byte(): number {
		const byte = this.bytes[this.offset++];
		if (byte === undefined) throw new WasmReadError("the binary ends in the middle of a section");
		return byte;
	}

	/** An unsigned LEB128 number (u32 counts and sizes; larger values only occur in skipped fields). */
	unsigned(): number {
		let result = 0;
		let scale = 1;
		for (;;) {
			const byte = this.byte();
			result += (byte & 0x7f) * scale;
			if ((byte & 0x80) === 0) return result;
			scale *= 128;
		}
	}

	/** Any LEB128 number, signed or not, of any width. */
	skipNumber(): void {
		while (this.byte() & 0x80);
	}

	name(): string {
		const length = this.unsigned();
		const start = this.offset;
		this.offset += length;
		if (this.offset > this.bytes.length) throw new WasmReadError("a name runs past the end of the binary");
		return this.decoder.decode(this.bytes.subarray(start, this.offset));
	}

	kind(): ExternalKind {
		const code = this.byte();
		const kind = EXTERNAL_KINDS[code];
		if (!kind) throw new WasmReadError(`unknown import or export kind 0x${code.toString(16)}`);
		return kind;
	}

	valueType(): void {
		if (REF_WITH_HEAP_TYPE.has(this.byte())) this.skipNumber();
	}

	/** Table and memory limits: flags, minimum, optional maximum, optional page size (custom-page-sizes). */
	limits(): void {
		const flags = this.byte();
		this.skipNumber();
		if (flags & 0x01) this.skipNumber();
		if (flags & 0x08) this.skipNumber();
	}

	/** Skips an import's description, which depends on its kind. */
	importDescription(kind: ExternalKind): void {
		switch (kind) {
			case "function":
				this.skipNumber(); // type index
				return;
			case "table":
				this.valueType();
				this.limits();
				return;
			case "memory":
				this.limits();
				return;
			case "global":
				this.valueType();
				this.byte(); // mutability
				return;
			case "tag":
				this.byte(); // attribute
				this.skipNumber(); // type index
				return;
		}
	}
}

/** The module's imports and exports, in order. */
export function readInterface(bytes: Uint8Array): { imports: WasmImport[]; exports: WasmExport[] } {
	const reader = new Reader(bytes).at(8);
	const imports: WasmImport[] = [];
	const exports: WasmExport[] = [];
	while (!reader.done) {
		const id = reader.byte();
		const size = reader.unsigned();
		const end = reader.position + size;
		if (id === SECTION.import) {
			for (let count = reader.unsigned(); count > 0; count--) {
				const module = reader.name();
				const name = reader.name();
				const kind = reader.kind();
				reader.importDescription(kind);
				imports.push({ module, name, kind });
			}
		} else if (id === SECTION.export) {
			for (let count = reader.unsigned(); count > 0; count--) {
				const name = reader.name();
				const kind = reader.kind();
				reader.skipNumber(); // index
				exports.push({ name, kind });
			}
		}
		if (end > bytes.length) throw new WasmReadError("a section runs past the end of the binary");
		reader.at(end);
	}
	return { imports, exports };
}
