/**
 * The local publisher: a deployment is Loaded once a fresh Worker Loader isolate imported its main
 * module and found a fetch handler. The probe imports the module rather than calling the handler, so
 * a syntax error or a throwing top level fails the stage while the tenant's handler never runs.
 */
import { errorMessage } from "../../../shared/describe-error";
import { LIMITS } from "../../../shared/limits";
import { workerCode } from "../../../shared/runtime/worker-code";
import { type BuiltDeployment, LoadError, noFetchHandler, type Publisher } from "./types";

const PROBE_MODULE = "__ferry_probe__.js";

const probeSource = (mainModule: string) => `
import * as tenant from ${JSON.stringify(`./${mainModule}`)};
const handler = tenant.default;
const hasFetch = typeof handler?.fetch === "function" ||
	(typeof handler === "function" && typeof handler.prototype?.fetch === "function");
export default { fetch: () => Response.json({ hasFetch }) };
`;

export class WorkerLoaderPublisher implements Publisher {
	constructor(private readonly loader: WorkerLoader) {}

	async load({ manifest, blobs }: BuiltDeployment): Promise<void> {
		// Assets only: no code to start; the dispatcher serves the assets from R2.
		if (manifest.mainModule === null) return;
		const code = workerCode(manifest, blobs, {
			extraModules: { [PROBE_MODULE]: { js: probeSource(manifest.mainModule) } },
			mainModule: PROBE_MODULE,
		});
		const answer = await withTimeout(this.probe(code), LIMITS.loadTimeoutMs);
		if (!answer.hasFetch) throw noFetchHandler(manifest.mainModule);
	}

	private async probe(code: WorkerLoaderWorkerCode): Promise<{ hasFetch: boolean }> {
		let response: Response;
		try {
			response = await this.loader.load(code).getEntrypoint().fetch("http://probe.invalid/");
		} catch (error) {
			throw new LoadError(`the code did not start: ${startupError(error)}`);
		}
		return response.json();
	}

	async remove(): Promise<void> {
		// Worker Loader isolates are keyed by deployment id and evicted by the runtime; nothing to delete.
	}
}

/** workerd's startup error on one line, without its generic preamble: "Uncaught SyntaxError: … at index.js:1:16". */
function startupError(error: unknown): string {
	return errorMessage(error)
		.replace(/^Failed to start Worker:\s*/, "")
		.replace(/\s*\n\s*/g, " ")
		.trim();
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
	let timer: number | null = null;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new LoadError(`the code did not start within ${ms / 1000} s`)), ms);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
