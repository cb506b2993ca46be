/**
 * Runs the CLI in-process, as wrangler's run-wrangler.ts does: main(argv, io) with captured output, a
 * temporary config directory (never the real home), and the test platform's API URL.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, expect, inject } from "vitest";
import type { Io } from "../../cli/src/core/io.ts";
import { main } from "../../cli/src/main.ts";
import { SUPERVISOR_TOKEN_HEADER } from "../../local/control/bindings.ts";
import { ROOT } from "../../local/paths.ts";
import { loopbackFetch } from "../../loopback/index.ts";

export const platform = () => inject("platform");

export interface RunResult {
	code: number;
	stdout: string;
	stderr: string;
}

export interface RunOptions {
	cwd?: string;
	env?: Record<string, string | undefined>;
	/** Pretend stdin and stdout are a terminal (prompts, live progress). */
	tty?: boolean;
	/** Answers to prompts: when the output ends with a key, its value is typed (with Enter). */
	answers?: Record<string, string>;
	/** Ctrl-C as soon as the output contains this text. */
	interruptOn?: string;
	/** What stdin holds (then ends), as when a value is piped in. */
	input?: string;
}

const created: string[] = [];
/** A fresh temporary directory, removed after the test file (a linked node_modules is unlinked, not followed). */
export function tempDir(prefix = "ferry-cli-test-"): string {
	const dir = mkdtempSync(path.join(tmpdir(), prefix));
	created.push(dir);
	return dir;
}
afterAll(() => {
	for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The environment every run starts from: this process's, without any Ferry credentials or CI flag. */
function baseEnv(configHome: string): Record<string, string | undefined> {
	const env: Record<string, string | undefined> = { ...process.env, XDG_CONFIG_HOME: configHome, FERRY_API_URL: platform().apiUrl };
	for (const name of ["FERRY_API_TOKEN", "FERRY_ADMIN_TOKEN", "CI", "FORCE_COLOR", "NO_COLOR"]) delete env[name];
	return env;
}

export class Cli {
	/** Where this CLI user's config lives. */
	readonly configHome: string;
	private readonly extraEnv: Record<string, string | undefined>;

	constructor(env: Record<string, string | undefined> = {}, configHome = tempDir("ferry-cli-config-")) {
		this.configHome = configHome;
		this.extraEnv = env;
	}

	/** The same user (config directory) with more environment. */
	with(env: Record<string, string | undefined>): Cli {
		return new Cli({ ...this.extraEnv, ...env }, this.configHome);
	}

	async run(argv: string[], options: RunOptions = {}): Promise<RunResult> {
		const interrupt = new AbortController();
		const stdin = Object.assign(new PassThrough(), { isTTY: options.tty ?? false });
		if (options.input !== undefined) stdin.end(options.input);
		let stdout = "";
		let stderr = "";
		const answered = new Set<string>();
		const watch = () => {
			if (options.interruptOn && !interrupt.signal.aborted && (stdout + stderr).includes(options.interruptOn)) interrupt.abort();
			for (const [prompt, answer] of Object.entries(options.answers ?? {}))
				if (!answered.has(prompt) && stdout.endsWith(prompt)) {
					answered.add(prompt);
					setImmediate(() => stdin.write(`${answer}\n`));
				}
		};
		const io: Io = {
			stdout: {
				isTTY: options.tty ?? false,
				write: (chunk: string | Uint8Array) => {
					stdout += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
					watch();
					return true;
				},
			},
			stderr: {
				isTTY: false,
				write: (chunk: string | Uint8Array) => {
					stderr += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
					watch();
					return true;
				},
			},
			stdin,
			env: { ...baseEnv(this.configHome), ...this.extraEnv, ...options.env },
			cwd: options.cwd ?? tempDir(),
			signal: interrupt.signal,
		};
		const code = await main(argv, io);
		stdin.destroy();
		return { code, stdout, stderr };
	}

	/** Runs and expects success; returns stdout. */
	async ok(argv: string[], options: RunOptions = {}): Promise<string> {
		const result = await this.run(argv, options);
		expect(result.stderr, `ferry ${argv.join(" ")} failed`).not.toContain("✘");
		expect(result.code).toBe(0);
		return result.stdout;
	}

	/** Runs with --json and parses stdout. */
	// biome-ignore lint/suspicious/noExplicitAny: each test reads the fields it asserts on; typing every CLI answer here would copy the API types
	async json<T = any>(argv: string[], options: RunOptions = {}): Promise<T> {
		return JSON.parse(await this.ok([...argv, "--json"], options)) as T;
	}
}

let counter = 0;
/** A script or tenant name no other test uses (names are global on the platform). */
export const uniqueName = (prefix: string) =>
	`${prefix}-${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** A new tenant through the CLI's operator command, and a CLI logged in as it (FERRY_API_TOKEN). */
export async function newTenant(prefix = "t"): Promise<{ name: string; token: string; cli: Cli }> {
	const name = uniqueName(prefix);
	const operator = new Cli({ FERRY_ADMIN_TOKEN: platform().adminToken });
	const created = await operator.json(["tenants", "create", name]);
	return { name, token: created.token.token, cli: new Cli({ FERRY_API_TOKEN: created.token.token }) };
}

/** A project directory with these files; `withNodeModules` links the repo's node_modules (hono, …). */
export function project(files: Record<string, string | Uint8Array>, withNodeModules = false): string {
	const dir = tempDir("ferry-cli-project-");
	for (const [name, content] of Object.entries(files)) {
		mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
		writeFileSync(path.join(dir, name), content);
	}
	if (withNodeModules) symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
	return dir;
}

/** A minimal project: wrangler.toml and a Worker answering `text`. */
export const helloProject = (name: string, text: string, extraConfig = "") =>
	project({
		"wrangler.toml": `name = "${name}"\nmain = "src/index.js"\ncompatibility_date = "2026-11-01"\n${extraConfig}`,
		"src/index.js": `export default { fetch: () => new Response(${JSON.stringify(text)}) };\n`,
	});

/** What a hostname on the test platform serves. */
/** A request's status and body: what most tests compare whole (`toEqual({ status, text })`). */
export async function visit(url: string, init?: RequestInit): Promise<{ status: number; text: string }> {
	const response = await loopbackFetch(url, init);
	return { status: response.status, text: await response.text() };
}

/**
 * Runs the cron triggers due at the minute `at` falls in, as the supervisor does at every minute: the
 * platform runs with its test clock, so time moves only when a test says so. Answers the runs.
 */
export async function runMinute(
	at: number,
): Promise<{ scriptId: string; deploymentId: string; cron: string; outcome: string; scheduledTime: number }[]> {
	const { url, token } = platform().testClock;
	const response = await fetch(new URL("/minute", url), {
		method: "POST",
		headers: { [SUPERVISOR_TOKEN_HEADER]: token, "content-type": "application/json" },
		body: JSON.stringify({ at }),
	});
	if (!response.ok) throw new Error(`the minute tick answered ${response.status}: ${await response.text()}`);
	return ((await response.json()) as { runs: Awaited<ReturnType<typeof runMinute>> }).runs;
}

export const scriptUrl = (name: string) => `http://${name}.localhost:${platform().port}/`;

/**
 * Deploys a one-module Worker answering `text` straight through the API (no bundling): for tests
 * about what happens after a deploy, where wrangler's second of bundling would only cost time.
 */
export async function uploadDirect(
	token: string,
	name: string,
	text: string,
	source = `export default { fetch: () => new Response(${JSON.stringify(text)}) };`,
): Promise<string> {
	const form = new FormData();
	form.set("metadata", JSON.stringify({ main_module: "index.js", compatibility_date: "2026-11-01" }));
	form.set("index.js", new File([source], "index.js", { type: "application/javascript+module" }));
	const response = await loopbackFetch(`${platform().apiUrl}/v1/scripts/${name}`, {
		method: "PUT",
		headers: { authorization: `Bearer ${token}` },
		body: form,
	});
	expect(response.status).toBe(200);
	return ((await response.json()) as { deployment: { id: string } }).deployment.id;
}
