/**
 * Bundling with wrangler's own bundler: `wrangler deploy --dry-run --outfile` writes the exact
 * Cloudflare script-upload form wrangler would send (metadata with main_module, compatibility date
 * and flags, vars as plain_text bindings; one part per module, typed: JavaScript, `.wasm` as
 * application/wasm, text, data, source maps). TypeScript, npm dependencies, nodejs_compat polyfills,
 * module rules, aliases and custom builds behave exactly as in `wrangler deploy`. Why wrangler's
 * bundler rather than esbuild with its settings: docs/cli.md ("Bundling").
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { CancelledError, oneLine, UserError } from "../core/errors.ts";
import type { Io } from "../core/io.ts";

export interface BundleOptions {
	/** The entry module; otherwise `main` from the config. */
	entry?: string;
	name?: string;
	/** KEY:VALUE pairs, as wrangler's --var takes them. */
	vars: string[];
	compatibilityDate?: string;
	/** A wrangler environment ([env.NAME] in the config). */
	env?: string;
	config?: string;
	/** wrangler's own output, for --debug. */
	debug?: (text: string) => void;
}

export interface BundleModule {
	/** The module's path as the main module imports it. */
	name: string;
	/** The part's content type: application/javascript+module, application/wasm, text/plain, … */
	type: string;
	bytes: Uint8Array;
}

export interface Bundle {
	/** The script name wrangler resolved (--name, the config's name, its environment's). */
	name: string;
	/** The metadata part, as wrangler wrote it. */
	metadata: { main_module?: string } & Record<string, unknown>;
	modules: BundleModule[];
	gzipBytes?: number;
}

interface WranglerOutput {
	type: string;
	message?: string;
	worker_name?: string | null;
	bundle_size?: { raw_bytes: number; gzip_bytes: number };
}

export async function bundleProject(io: Io, options: BundleOptions): Promise<Bundle> {
	const work = await mkdtemp(path.join(tmpdir(), "ferry-bundle-"));
	try {
		const outfile = path.join(work, "upload.multipart");
		const outputFile = path.join(work, "output.ndjson");
		const exitCode = await runWrangler(io, wranglerArgs(options, outfile), outputFile, work, options.debug);
		const outputs = await readOutputs(outputFile);
		const failure = outputs.findLast((o) => o.type === "command-failed");
		if (failure?.message) throw new UserError(oneLine(failure.message));
		const result = outputs.find((o) => o.type === "deploy");
		if (exitCode !== 0 || !result?.worker_name)
			throw new UserError(`wrangler could not bundle the Worker (exit code ${exitCode}); run again with --debug to see its output`);
		return { name: result.worker_name, gzipBytes: result.bundle_size?.gzip_bytes, ...(await readUploadForm(outfile)) };
	} finally {
		await rm(work, { recursive: true, force: true });
	}
}

function wranglerArgs(options: BundleOptions, outfile: string): string[] {
	return [
		"deploy",
		...(options.entry ? [options.entry] : []),
		"--dry-run",
		"--outfile",
		outfile,
		...(options.name ? ["--name", options.name] : []),
		...options.vars.flatMap((v) => ["--var", v]),
		...(options.compatibilityDate ? ["--compatibility-date", options.compatibilityDate] : []),
		...(options.env ? ["--env", options.env] : []),
		...(options.config ? ["--config", options.config] : []),
	];
}

/** wrangler's CLI, resolved from this package (wrangler is a dependency of ferry-cli). */
const wranglerCli = () => createRequire(import.meta.url).resolve("wrangler");

function runWrangler(io: Io, args: string[], outputFile: string, logDir: string, debug?: (text: string) => void): Promise<number> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ["--no-warnings", wranglerCli(), ...args], {
			cwd: io.cwd,
			env: {
				...io.env,
				// wrangler's machine-readable record of the run: the resolved name, or why it failed.
				WRANGLER_OUTPUT_FILE_PATH: outputFile,
				WRANGLER_LOG_PATH: logDir,
				WRANGLER_SEND_METRICS: "false",
				// --debug shows wrangler's whole output, whatever WRANGLER_LOG says.
				...(debug ? { WRANGLER_LOG: "log" } : {}),
				FORCE_COLOR: "0",
			},
			stdio: ["ignore", "pipe", "pipe"],
		});
		let output = "";
		child.stdout.on("data", (chunk: Buffer) => (output += chunk));
		child.stderr.on("data", (chunk: Buffer) => (output += chunk));
		const cancel = () => child.kill("SIGTERM");
		io.signal.addEventListener("abort", cancel, { once: true });
		if (io.signal.aborted) cancel();
		child.once("error", reject);
		child.once("close", (code) => {
			io.signal.removeEventListener("abort", cancel);
			if (debug && output.trim()) debug(`wrangler ${args.join(" ")}\n${output.trimEnd()}`);
			if (io.signal.aborted) reject(new CancelledError("cancelled while bundling: nothing was uploaded"));
			else resolve(code ?? 1);
		});
	});
}

async function readOutputs(file: string): Promise<WranglerOutput[]> {
	const text = await readFile(file, "utf8").catch(() => "");
	return text
		.split("\n")
		.filter((line) => line.trim())
		.map((line) => JSON.parse(line) as WranglerOutput);
}

/** Reads back the multipart body wrangler serialized: its first line is `--` and the boundary. */
async function readUploadForm(file: string): Promise<Pick<Bundle, "metadata" | "modules">> {
	const bytes = await readFile(file);
	const boundary = bytes.subarray(2, bytes.indexOf("\r\n")).toString("latin1");
	const form = await new Response(bytes, { headers: { "content-type": `multipart/form-data; boundary=${boundary}` } }).formData();
	const metadataPart = form.get("metadata");
	const metadata = JSON.parse(typeof metadataPart === "string" ? metadataPart : await metadataPart!.text());
	const modules: BundleModule[] = [];
	for (const [name, value] of form.entries()) {
		if (name === "metadata" || typeof value === "string") continue;
		// Names as wrangler wrote them (additional modules are "./<hash>-file.wasm"): the API takes a leading "./" as the same module.
		modules.push({ name, type: value.type, bytes: new Uint8Array(await value.arrayBuffer()) });
	}
	return { metadata, modules };
}
