/**
 * The hello world every comparison uses: the same source is deployed through Ferry and served
 * directly by the baseline, so the difference between the two is the platform.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../local/paths.ts";

export const COMPATIBILITY_DATE = "2026-11-01";

/** A JavaScript Worker that answers `text`. Distinct texts give distinct artifacts. */
export const helloWorker = (text = "Hello, world!\n"): string =>
	`export default { fetch: () => new Response(${JSON.stringify(text)}, { headers: { "content-type": "text/plain" } }) };\n`;

/**
 * The hello world that reads its secrets on every request (docs/secrets.md): the same answer, its
 * text chosen by the secret's value, so that the row measures a Worker that uses them.
 */
export const SECRETS = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`SECRET_${i}`, `value-${i}-${"x".repeat(64)}`]));
export const secretsHelloWorker = (): string =>
	`export default { fetch: (request, env) => new Response(env.SECRET_0.startsWith("value-0") ? "Hello, world!\\n" : "no secret", { headers: { "content-type": "text/plain" } }) };\n`;

/** The WASI hello world (examples/wagi-hello), which answers the same text through the WAGI shim. */
export const wasiHello = (): Uint8Array => readFileSync(path.join(ROOT, "examples", "wagi-hello", "hello.wasm"));
