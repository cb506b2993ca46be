/**
 * The WAGI shim: serves a WASI preview1 command module the way a CGI server runs a program (the WAGI
 * contract, docs/wasm.md). Request → environment, arguments and stdin; stdout → response.
 *
 * This code runs inside the tenant's isolate, as a module of the tenant's own deployment (bundled
 * into ../wagi-shim.generated.ts, added to WASI uploads by ../wagi.ts), so it has exactly the tenant's
 * privileges: its vars, no platform binding, no network. The module arrives compiled, as a `wasm`
 * module import (workerd refuses to compile wasm at run time), and is compiled once per isolate;
 * every request gets a fresh instance (CGI: a new process per request), so no state survives one.
 * What a request costs beyond the module's own work is kept small: the module's memory, when the
 * upload reader could move it to an import, is a zeroed spare rather than a new allocation
 * (./memory.ts), and the WASI host is one object per isolate whose arguments, environment and file
 * descriptors are the request's while it runs, and emptied after.
 */
import { type Fd, WASI, wasi } from "@bjorn3/browser_wasi_shim";
import { describeError } from "../../shared/describe-error";
import { formatBytes } from "../../shared/format";
import { BodyTooLargeError, readLimited } from "../../shared/http/body";
import { LIMITS } from "../../shared/limits";
import { log } from "../../shared/log";
import { IMPORTED_MEMORY, type MemoryLimits } from "../imported-memory";
import { MemoryPool } from "./memory";
import { type CgiInvocation, cgiInvocation } from "./request";
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

const wasiImports = (host: WASI) => ({ ...host.wasiImport, poll_oneoff: pollOneoff });

/** The library logs every call to the console unless told otherwise. */
const newWasi = () => new WASI([], [], [], { debug: false });

/** The wasi_snapshot_preview1 functions the shim provides (the Built stage refuses modules needing others). */
export const WASI_FUNCTIONS: readonly string[] = Object.keys(wasiImports(newWasi())).sort();

/** The instance could not be created: it was once at start-up, so this is the runtime out of memory for another. */
class InstantiationError extends Error {
	override name = "InstantiationError";
}

/**
 * What one isolate keeps between requests: the compiled module, one WASI host (the library reads its
 * `args`, `env`, `fds` and `inst` at each call, so one set of imports serves every instance), and the
 * spare memory. Requests run synchronously from instantiation to exit, so they never overlap.
 */
class WagiRunner {
	private readonly host = newWasi();
	private readonly imports: WebAssembly.Imports;
	private readonly memories: MemoryPool | undefined;
	/**
	 * Whether the module can read its arguments or environment at all: a module that imports none of
	 * args_* and environ_* never sees them, so the CGI variables are not built for it.
	 */
	readonly readsInvocation: boolean;

	constructor(
		private readonly module: WebAssembly.Module,
		memory: MemoryLimits | undefined,
	) {
		this.memories = memory && new MemoryPool(memory);
		this.imports = { wasi_snapshot_preview1: wasiImports(this.host) };
		this.readsInvocation = WebAssembly.Module.imports(module).some(({ name }) => name.startsWith("args_") || name.startsWith("environ_"));
	}

	/** A new instance, on a zeroed memory when the module imports it; `use` runs it, then the memory is given back. */
	instantiate<T>(use: (instance: WasiCommand) => T): T {
		const memory = this.memories?.take();
		try {
			const imports = memory ? { ...this.imports, [IMPORTED_MEMORY.module]: { [IMPORTED_MEMORY.name]: memory } } : this.imports;
			let instance: WasiCommand;
			try {
				instance = new WebAssembly.Instance(this.module, imports) as WasiCommand;
			} catch (error) {
				throw new InstantiationError("the WASI module could not be instantiated", { cause: error });
			}
			return use(instance);
		} finally {
			if (memory) this.memories!.give(memory);
		}
	}

	/** Runs `_start` with the request's arguments, environment and stdio; returns the exit code. */
	start(instance: WasiCommand, invocation: CgiInvocation, fds: Fd[]): number {
		const host = this.host;
		host.args = invocation.args;
		host.env = invocation.env;
		host.fds = fds;
		try {
			return host.start(instance);
		} finally {
			// Nothing of this request stays reachable from the isolate.
			host.args = [];
			host.env = [];
			host.fds = [];
		}
	}
}

/** The end of what the module wrote to stderr, to explain a failure in the platform's log. */
function stderrTail(stderr: CapturedOutput): string {
	const text = stderr.text().trim();
	return text === "" ? "" : `; stderr ends: ${JSON.stringify(text.slice(-300))}`;
}

const EMPTY = new Uint8Array(0);
const NOTHING_TO_READ: CgiInvocation = { args: [], env: [] };

function run(runner: WagiRunner, request: Request, body: Uint8Array, vars: Readonly<Record<string, unknown>>): Response {
	const invocation = runner.readsInvocation ? cgiInvocation(request, body.byteLength, vars) : NOTHING_TO_READ;
	const stdout = new CapturedOutput(LIMITS.wasiStdoutBytes, "fail");
	const stderr = new CapturedOutput(LIMITS.wasiStderrLoggedBytes, "drop");
	let exitCode: number;
	try {
		exitCode = runner.instantiate((instance) => runner.start(instance, invocation, [stdin(body), stdout, stderr]));
	} catch (error) {
		if (error instanceof InstantiationError)
			throw new WagiFailure(`the WASI module could not be instantiated: ${describeError(error.cause)}`);
		// A trap (RuntimeError), a stack overflow, or a WASI call the library refuses by throwing.
		throw new WagiFailure(`the WASI module trapped: ${describeError(error)}${stderrTail(stderr)}`);
	} finally {
		if (stderr.byteLength > 0)
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
export function serveWagi(module: WebAssembly.Module, memory?: MemoryLimits): ExportedHandler<Record<string, unknown>> {
	const runner = new WagiRunner(module, memory);
	// Instantiating once at start-up makes a module that cannot be instantiated (a start function that
	// traps, a memory that cannot be allocated) fail the deployment at the Loaded stage rather than
	// every request. The instance is dropped without running _start.
	try {
		runner.instantiate(() => undefined);
	} catch (error) {
		throw error instanceof InstantiationError ? error.cause : error;
	}
	return {
		async fetch(request, vars) {
			// Most requests have no body: nothing to wait for before the module runs.
			if (request.body === null) return run(runner, request, EMPTY, vars);
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
			return run(runner, request, body, vars);
		},
	};
}
