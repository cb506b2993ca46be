/**
 * What Cloudflare does with an upload before it answers: it starts the Worker (parses every module and
 * runs their top level, within the startup limit) and reads the handlers of its default export, which
 * the answer lists. The fake does the same in a real workerd (Miniflare, its Worker Loader), so a
 * syntax error, a throwing top level, an unknown compatibility flag and a missing handler are refused
 * with workerd's own messages, as Cloudflare refuses them (code 10021 / 10068).
 *
 * One upload at a time: each start is timed alone, and one that does not finish within the startup
 * limit (an endless top-level loop: workerd enforces no CPU limit locally) restarts workerd, so the
 * next upload finds a free runtime.
 */
import { createRequire } from "node:module";
import { convertV4MiniflareOptions, FormData, Miniflare } from "miniflare";
import { CLOUDFLARE_LIMITS, type ModuleKind } from "./schema.ts";

export interface UploadedModule {
	name: string;
	kind: ModuleKind;
	bytes: Uint8Array;
}

export interface StartRequest {
	mainModule: string;
	compatibilityDate: string;
	compatibilityFlags: string[];
	modules: UploadedModule[];
}

/** `classes`: the main module's exported functions (classes) other than its default export, for Durable Object bindings. */
export type StartResult =
	| { started: true; handlers: string[]; classes: string[]; startupTimeMs: number }
	| { started: false; message: string };

/**
 * The newest compatibility date the local workerd knows. Cloudflare's runtime is always current; a
 * date past this one (but not in the future) is started with this one.
 */
const LOCAL_RUNTIME_DATE: string = createRequire(createRequire(import.meta.url).resolve("miniflare"))("workerd").compatibilityDate;

const PROBE = "__fake_cloudflare_probe__.js";

/**
 * The starter Worker: loads the upload in a fresh Worker Loader isolate behind a probe module that
 * imports the main module (so its top level runs) and answers with the default export's handlers.
 */
const STARTER = `
const HANDLERS = ["fetch", "scheduled", "queue", "tail", "tailStream", "trace", "email", "alarm", "test"];
const probe = (main) => \`
import * as tenant from \${JSON.stringify("./" + main)};
const HANDLERS = \${JSON.stringify(HANDLERS)};
function names(value) {
	if (typeof value === "function") {
		const found = new Set();
		for (let p = value.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p))
			for (const name of Object.getOwnPropertyNames(p)) if (typeof p[name] === "function") found.add(name);
		return [...found];
	}
	return value && typeof value === "object" ? Object.keys(value).filter((k) => typeof value[k] === "function") : [];
}
const classes = Object.keys(tenant).filter((k) => k !== "default" && typeof tenant[k] === "function");
export default { fetch: () => Response.json({ handlers: names(tenant.default).filter((n) => HANDLERS.includes(n)), classes }) };
\`;
function loaderModule(kind, file) {
	switch (kind) {
		case "esm": return file.text().then((js) => ({ js }));
		case "commonjs": return file.text().then((cjs) => ({ cjs }));
		case "text": return file.text().then((text) => ({ text }));
		case "data": return file.arrayBuffer().then((data) => ({ data }));
		case "wasm": return file.arrayBuffer().then((wasm) => ({ wasm }));
		default: return undefined;
	}
}
export default {
	async fetch(request, env) {
		const form = await request.formData();
		const spec = JSON.parse(form.get("spec"));
		const modules = {};
		for (const [i, { name, kind }] of spec.modules.entries()) {
			const converted = await loaderModule(kind, form.get("m" + i));
			if (converted) modules[name] = converted;
		}
		modules[${JSON.stringify(PROBE)}] = { js: probe(spec.mainModule) };
		try {
			const worker = env.LOADER.load({
				compatibilityDate: spec.compatibilityDate,
				compatibilityFlags: spec.compatibilityFlags,
				mainModule: ${JSON.stringify(PROBE)},
				modules,
			});
			const answer = await worker.getEntrypoint().fetch("http://probe.invalid/");
			return Response.json({ started: true, ...(await answer.json()) });
		} catch (error) {
			return Response.json({ started: false, message: String(error?.message ?? error) });
		}
	},
};
`;

/** workerd's startup error as Cloudflare words it: without the Worker Loader's preamble. */
const startupMessage = (message: string) => message.replace(/^Failed to start Worker:\s*/, "").trim();

export class StartupCheck {
	private runtime: Miniflare | undefined;
	private queue: Promise<unknown> = Promise.resolve();
	/** Isolates started in the current workerd: it never frees one, so it is replaced now and then. */
	private started = 0;

	/** Starts the upload as Cloudflare would; never throws for the upload's own faults. */
	start(request: StartRequest): Promise<StartResult> {
		const turn = this.queue.then(() => this.startNow(request));
		this.queue = turn.catch(() => undefined);
		return turn;
	}

	async stop(): Promise<void> {
		await this.queue;
		await this.runtime?.dispose();
		this.runtime = undefined;
	}

	private async startNow(request: StartRequest): Promise<StartResult> {
		if (!this.runtime || this.started >= 500) await this.restart();
		this.started++;
		const form = new FormData();
		const compatibilityDate = request.compatibilityDate > LOCAL_RUNTIME_DATE ? LOCAL_RUNTIME_DATE : request.compatibilityDate;
		const spec = { ...request, compatibilityDate, modules: request.modules.map(({ name, kind }) => ({ name, kind })) };
		form.set("spec", JSON.stringify(spec));
		for (const [i, module] of request.modules.entries()) form.set(`m${i}`, new Blob([module.bytes]));
		const began = performance.now();
		let timer: NodeJS.Timeout | undefined;
		const overtime = new Promise<"overtime">((resolve) => {
			timer = setTimeout(() => resolve("overtime"), CLOUDFLARE_LIMITS.startupMs);
		});
		const started = this.runtime!.dispatchFetch("http://starter.invalid/", { method: "POST", body: form });
		// Past the limit the runtime is disposed under this request, which then fails: nobody waits for it.
		started.catch(() => undefined);
		const answer = await Promise.race([started, overtime]);
		clearTimeout(timer);
		if (answer === "overtime") {
			// The top level is still running and holds workerd's only thread: replace the runtime.
			await this.restart();
			return { started: false, message: "Script startup exceeded CPU time limit." };
		}
		const startupTimeMs = Math.round(performance.now() - began);
		const result = (await answer.json()) as { started: true; handlers: string[]; classes: string[] } | { started: false; message: string };
		return result.started ? { ...result, startupTimeMs } : { started: false, message: startupMessage(result.message) };
	}

	private async restart(): Promise<void> {
		await this.runtime?.dispose().catch(() => undefined);
		this.started = 0;
		this.runtime = new Miniflare(
			convertV4MiniflareOptions({
				cf: false,
				workers: [
					{ name: "starter", modules: true, script: STARTER, compatibilityDate: LOCAL_RUNTIME_DATE, workerLoaders: { LOADER: {} } },
				],
			}),
		);
		await this.runtime.ready;
	}
}
