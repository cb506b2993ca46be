/**
 * The linear memory each request's instance gets, for a module whose memory was moved to an import
 * (../imported-memory.ts). Allocating a WebAssembly memory is most of what a fresh instance costs, so
 * the isolate keeps one spare: zeroed as soon as a request is done with it, handed to the next
 * instance, whose data segments are written into it at instantiation as into a new one. A memory the
 * module grew is dropped rather than kept (a fresh instance must see the declared size), and so is one
 * larger than REUSED_MEMORY_BYTES, where zeroing all of it would cost more than a new one's pages.
 */
import type { MemoryLimits } from "../imported-memory";

const PAGE_BYTES = 65_536;
/**
 * Up to this size the spare is reused (C with wasi-libc declares 2 pages, Rust's wasm32-wasip1 ~17,
 * AssemblyScript 1): zeroing 2 MiB costs well under what allocating a memory does.
 */
export const REUSED_MEMORY_BYTES = 2 * 1024 * 1024;

export class MemoryPool {
	private spare: WebAssembly.Memory | undefined;
	private readonly bytes: number;

	constructor(private readonly limits: MemoryLimits) {
		this.bytes = limits.initial * PAGE_BYTES;
	}

	/** A memory of the declared size holding only zeroes. */
	take(): WebAssembly.Memory {
		const memory = this.spare ?? new WebAssembly.Memory(this.limits);
		this.spare = undefined;
		return memory;
	}

	/** Gives back what `take()` gave, once its instance is done (trap or exit): zeroed now, kept if it may be reused. */
	give(memory: WebAssembly.Memory): void {
		if (memory.buffer.byteLength !== this.bytes || this.bytes > REUSED_MEMORY_BYTES) return;
		new Uint8Array(memory.buffer).fill(0);
		this.spare = memory;
	}
}
