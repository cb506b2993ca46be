/**
 * A JavaScript Worker that imports a WebAssembly module, the shape wasm-bindgen and workers-rs produce:
 * the .wasm arrives as its own module (an `application/wasm` part) and is imported as a compiled
 * WebAssembly.Module; the toolchain's glue (greet.js, written by AssemblyScript's `--bindings raw`)
 * instantiates it. One instance serves every request of this isolate.
 *
 *   GET  /?name=Ada   → "Hello, Ada, from WebAssembly!"
 *   POST / (text)     → {"words": N}
 */

import { instantiate } from "./greet.js";
import wasm from "./greet.wasm";

let library;

export default {
	async fetch(request) {
		library ??= instantiate(wasm);
		const { greet, countWords } = await library;
		if (request.method === "POST") return Response.json({ words: countWords(await request.text()) });
		const name = new URL(request.url).searchParams.get("name") ?? "world";
		return new Response(`${greet(name)}\n`, { headers: { "content-type": "text/plain; charset=utf-8" } });
	},
};
