/**
 * The rewrite that moves a WASI module's memory to an import (workers/wasm/imported-memory.ts), on
 * the committed binaries, compiled and run here in Node (workerd refuses to compile at run time).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { IMPORTED_MEMORY, importMemory } from "../../workers/wasm/imported-memory";
import { wasmModule } from "../workers/wasm-builder";

const ROOT = path.join(import.meta.dirname, "..", "..");

/** The engine's WebAssembly API, typed as far as this test uses it (Node's types leave it out). */
interface Descriptor {
	module: string;
	name: string;
	kind: string;
}
interface Memory {
	buffer: ArrayBuffer;
}
type Module = object;
declare const WebAssembly: {
	validate(bytes: Uint8Array): boolean;
	Module: { new (bytes: Uint8Array): Module; imports(module: Module): Descriptor[]; exports(module: Module): Omit<Descriptor, "module">[] };
	Instance: new (module: Module, imports: object) => { exports: Record<string, unknown> };
	Memory: new (limits: { initial: number; maximum?: number }) => Memory;
};
const BINARIES = [
	"examples/wagi-hello/hello.wasm",
	"examples/wagi-c-echo/echo.wasm",
	"examples/wagi-as-echo/echo.wasm",
	"test/fixtures/wasi/cases.wasm",
];

/** Imports that answer every WASI call with success and write nothing. */
const wasiStubs = (module: Module) =>
	Object.fromEntries(
		WebAssembly.Module.imports(module)
			.filter((i) => i.kind === "function")
			.map((i) => [i.name, () => 0]),
	);

describe.each(BINARIES)("%s", (file) => {
	const original = new Uint8Array(readFileSync(path.join(ROOT, file)));
	const rewritten = importMemory(original)!;

	it("imports its memory, of the size it declared, and keeps its other imports and exports", () => {
		expect(WebAssembly.validate(rewritten.bytes)).toBe(true);
		const before = new WebAssembly.Module(original);
		const after = new WebAssembly.Module(rewritten.bytes);
		expect(WebAssembly.Module.imports(after)).toEqual([...WebAssembly.Module.imports(before), { ...IMPORTED_MEMORY, kind: "memory" }]);
		expect(WebAssembly.Module.exports(after)).toEqual(WebAssembly.Module.exports(before));
		const own = new WebAssembly.Instance(before, { wasi_snapshot_preview1: wasiStubs(before) }).exports.memory as Memory;
		expect(rewritten.memory.initial * 65536).toBe(own.buffer.byteLength);
	});

	it("writes its data into the memory it is given exactly as into its own", () => {
		const before = new WebAssembly.Module(original);
		const after = new WebAssembly.Module(rewritten.bytes);
		const own = new WebAssembly.Instance(before, { wasi_snapshot_preview1: wasiStubs(before) }).exports.memory as Memory;
		const given = new WebAssembly.Memory(rewritten.memory);
		new WebAssembly.Instance(after, {
			wasi_snapshot_preview1: wasiStubs(after),
			[IMPORTED_MEMORY.module]: { [IMPORTED_MEMORY.name]: given },
		});
		expect(Buffer.from(given.buffer).equals(Buffer.from(own.buffer))).toBe(true);
	});
});

describe("modules the rewrite leaves alone", () => {
	it.each([
		["no memory of its own", wasmModule({ exports: ["_start"] })],
		["not a valid module", new TextEncoder().encode("#!/bin/sh\n")],
		["truncated", wasmModule({ exports: ["_start"], memory: true }).subarray(0, 20)],
	])("%s", (_, bytes) => {
		expect(importMemory(bytes)).toBeUndefined();
	});

	it("a module that already imports a memory", () => {
		const imported = importMemory(wasmModule({ exports: ["_start"], memory: true }))!;
		expect(importMemory(imported.bytes)).toBeUndefined();
	});

	it("rewrites a module without an import section, placing one where it belongs", () => {
		const rewritten = importMemory(wasmModule({ exports: ["_start"], memory: true }))!;
		expect(rewritten.memory).toEqual({ initial: 1 });
		expect(WebAssembly.Module.imports(new WebAssembly.Module(rewritten.bytes))).toEqual([{ ...IMPORTED_MEMORY, kind: "memory" }]);
	});
});
