/**
 * The WAGI shim: serves a WASI preview1 command module the way a CGI server runs a program (the WAGI
 * contract, docs/wasm.md). Request → environment, arguments and stdin; stdout → response.
 *
 * This code runs inside the tenant's isolate, as a module of the tenant's own deployment (bundled
 * into ../wagi-shim.generated.ts, added to WASI uploads by ../wagi.ts), so it has exactly the tenant's
 * privileges: its vars, no platform binding, no network. The module arrives compiled, as a `wasm`
 * module import (workerd refuses to compile wasm at run time), and is compiled once per isolate;
 * every request gets a fresh instance (CGI: a new process per request), so no state survives one.
 */
import { type Fd, WASI, wasi } from "@bjorn3/browser_wasi_shim";
import { describeError } from "../../shared/describe-error";
import { formatBytes } from "../../shared/format";
import { BodyTooLargeError, readLimited } from "../../shared/http/body";
import { LIMITS } from "../../shared/limits";
import { log } from "../../shared/log";
import { cgiInvocation } from "./request";
import { CgiResponseError, cgiResponse } from "./response";
import { CapturedOutput, stdin } from "./stdio";

/**
 * The request failed because of the module: a trap, a non-zero exit, a response that is not CGI. The
 * shim throws it rather than answering, so the dispatcher serves its 500 page with a request id and
 * logs this message, as for any tenant Worker that throws.
 */
export class WagiFailure extends Error {
	override name = "WagiFailure";
}

interface WasiCommand extends WebAssembly.Instance {
	exports: { memory: WebAssembly.Memory; _start: () => unknown };
}

/**
 * Sleeping cannot work here: the handler runs synchronously and a Worker's clock does not advance
 * while it computes, so the library's busy-wait would spin until the CPU limit. poll_oneoff answers
 * ENOTSUP instead (nanosleep() then fails with that errno).
 */
const pollOneoff = () => wasi.ERRNO_NOTSUP;

function importsFor(host: WASI): WebAssembly.Imports {
	return { wasi_snapshot_preview1: { ...host.wasiImport, poll_oneoff: pollOneoff } };
}

/** The library logs every call to the console unless told otherwise. */
const newWasi = (args: string[], env: string[], fds: Fd[]) => new WASI(args, env, fds, { debug: false });

/** The wasi_snapshot_preview1 functions the shim provides (the Built stage refuses modules needing others). */
export const WASI_FUNCTIONS: readonly string[] = Object.keys(importsFor(newWasi([], [], [])).wasi_snapshot_preview1!).sort();

/** The end of what the module wrote to stderr, to explain a failure in the platform's log. */
function stderrTail(stderr: CapturedOutput): string {
	const text = stderr.text().trim();
	return text === "" ? "" : `; stderr ends: ${JSON.stringify(text.slice(-300))}`;
}

function run(module: WebAssembly.Module, request: Request, body: Uint8Array, vars: Readonly<Record<string, unknown>>): Response {
	const { args, env } = cgiInvocation(request, body.byteLength, vars);
	const stdout = new CapturedOutput(LIMITS.wasiStdoutBytes, "fail");
	const stderr = new CapturedOutput(LIMITS.wasiStderrLoggedBytes, "drop");
	const host = newWasi(args, env, [stdin(body), stdout, stderr]);
	let instance: WasiCommand;
	try {
		instance = new WebAssembly.Instance(module, importsFor(host)) as WasiCommand;
	} catch (error) {
		// It was instantiated once at start-up; this is the runtime running out of memory for another.
		throw new WagiFailure(`the WASI module could not be instantiated: ${describeError(error)}`);
	}
	let exitCode: number;
	try {
		exitCode = host.start(instance);
	} catch (error) {
		// A trap (RuntimeError), a stack overflow, or a WASI call the library refuses by throwing.
		throw new WagiFailure(`the WASI module trapped: ${describeError(error)}${stderrTail(stderr)}`);
	} finally {
		if (stderr.bytes().byteLength > 0)
			log.info("WASI module stderr", { stderr: stderr.text(), ...(stderr.overflow ? { droppedBytes: stderr.overflow } : {}) });
	}
	if (stdout.overflow > 0) throw new WagiFailure(`the WASI module wrote more than ${formatBytes(LIMITS.wasiStdoutBytes)} to stdout`);
	if (exitCode !== 0) throw new WagiFailure(`the WASI module exited with code ${exitCode}${stderrTail(stderr)}`);
	try {
		return cgiResponse(stdout.bytes());
	} catch (error) {
		if (error instanceof CgiResponseError) throw new WagiFailure(`the WASI module's output is not a CGI response: ${error.message}`);
		throw error;
	}
}

/** The deployment's fetch handler for a compiled WASI command module. */
export function serveWagi(module: WebAssembly.Module): ExportedHandler<Record<string, unknown>> {
	// Instantiating once at start-up makes a module that cannot be instantiated (a start function that
	// traps, a memory that cannot be allocated) fail the deployment at the Loaded stage rather than
	// every request. The instance is dropped without running _start.
	new WebAssembly.Instance(module, importsFor(newWasi([], [], [])));
	return {
		async fetch(request, vars) {
			let body: Uint8Array;
			try {
				body = await readLimited(request, LIMITS.wasiStdinBytes);
			} catch (error) {
				if (!(error instanceof BodyTooLargeError)) throw error;
				return new Response(`The request body is larger than this WebAssembly module accepts (${formatBytes(error.limit)}).\n`, {
					status: 413,
					headers: { "content-type": "text/plain; charset=utf-8" },
				});
			}
			return run(module, request, body, vars);
		},
	};
}
