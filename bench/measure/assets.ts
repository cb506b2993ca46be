/**
 * Static assets: a small file through the dispatcher against the JS hello world (measured
 * alternately, as the compared loads are), and redeploying a 1,000-file assets-only site with one
 * file changed, end to end: `ferry deploy` spawned as an installed CLI runs (the bundle
 * `npm pack ./cli` ships, cli/dist/ferry.js, built here first): Node's start, the config (wrangler's
 * reader, or its cached answer), 1,000 files hashed, the upload session, one file uploaded, the
 * deploy, until the new file is served.
 */
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { readAssets } from "../../cli/src/assets/manifest.ts";
import { uploadAssets } from "../../cli/src/assets/upload.ts";
import { encodeUpload } from "../../cli/src/deploy/upload.ts";
import { ROOT } from "../../local/paths.ts";
import type { FerryApi } from "../../workers/shared/api-client/index.ts";
import { COMPATIBILITY_DATE } from "../hello.ts";
import type { Probe } from "../probe.ts";

/** The small asset: the JS hello world's answer, as a file. */
export const SMALL_ASSET = "Hello World!\n";
const MAX_POLLS = 1000;

function writeSite(dir: string, name: string, files: Record<string, string>): void {
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(path.join(dir, "public"), { recursive: true });
	writeFileSync(
		path.join(dir, "wrangler.toml"),
		`name = "${name}"\ncompatibility_date = "${COMPATIBILITY_DATE}"\n[assets]\ndirectory = "./public"\n`,
	);
	for (const [file, content] of Object.entries(files)) writeFileSync(path.join(dir, "public", file), content);
}

/** An assets-only site whose "/" is the small asset, deployed with the CLI's own code (read, upload session, deploy). */
export async function deploySmallAssetSite(api: FerryApi, dir: string, name: string): Promise<void> {
	writeSite(dir, name, { "index.html": SMALL_ASSET });
	const assets = await readAssets(path.join(dir, "public"), "public");
	const { jwt } = await uploadAssets(api, name, assets);
	const upload = await encodeUpload({
		name,
		metadata: { compatibility_date: COMPATIBILITY_DATE, assets: { jwt, config: {} } },
		modules: [],
	});
	await api.deploy(name, { body: upload.bytes, contentType: upload.contentType }, () => {});
}

const CLI_BUNDLE = path.join(ROOT, "cli", "dist", "ferry.js");

function ferryDeploy(cwd: string, env: Record<string, string>): Promise<{ code: number; stdout: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [CLI_BUNDLE, "deploy", "--json"], {
			cwd,
			env: { ...process.env, ...env },
			stdio: ["ignore", "pipe", "pipe"],
		});
		let stdout = "";
		let stderr = "";
		child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
		child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
		child.once("error", reject);
		child.once("close", (code) =>
			code === 0 ? resolve({ code, stdout }) : reject(new Error(`ferry deploy exited ${code}: ${stderr.trim()}`)),
		);
	});
}

/** cli/build.ts: the installed package's bundle. */
function buildCli(): Promise<void> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [path.join(ROOT, "cli", "build.ts")], { stdio: "inherit" });
		child.once("error", reject);
		child.once("close", (code) => (code === 0 ? resolve() : reject(new Error(`cli/build.ts exited ${code}`))));
	});
}

export interface RedeploySample {
	/** `ferry deploy` spawned → first 200 carrying the changed file. */
	endToEndMs: number;
	/** What the CLI itself reported (its process's work, Node's start not included). */
	cliMs: number;
	newFiles: number;
}

/** Deploys a 1,000-file site, then redeploys it `count` times with index.html changed each time. */
export async function measureAssetRedeploys(
	apiUrl: string,
	token: string,
	probe: Probe,
	dir: string,
	count: number,
): Promise<RedeploySample[]> {
	const name = `assets-${Date.now().toString(36)}`;
	const files: Record<string, string> = { "index.html": "v0\n" };
	for (let i = 0; i < 999; i++) files[`pages/${i}.html`] = `<h1>page ${i}</h1>\n`;
	writeSite(dir, name, {});
	mkdirSync(path.join(dir, "public", "pages"), { recursive: true });
	for (const [file, content] of Object.entries(files)) writeFileSync(path.join(dir, "public", file), content);
	const env = { FERRY_API_URL: apiUrl, FERRY_API_TOKEN: token };
	await buildCli();
	await ferryDeploy(dir, env);
	const samples: RedeploySample[] = [];
	for (let i = 1; i <= count; i++) {
		const text = `v${i}\n`;
		writeFileSync(path.join(dir, "public", "index.html"), text);
		const started = performance.now();
		const { stdout } = await ferryDeploy(dir, env);
		let polls = 0;
		for (;;) {
			const answer = await probe.get(`${name}.localhost`);
			if (answer.status === 200 && answer.body === text) break;
			if (++polls >= MAX_POLLS) throw new Error(`${name}: the redeployed file never arrived (last: ${answer.status})`);
		}
		const endToEndMs = performance.now() - started;
		const result = JSON.parse(stdout) as { duration_ms: number; assets: { new_files: number } };
		samples.push({ endToEndMs, cliMs: result.duration_ms, newFiles: result.assets.new_files });
	}
	return samples;
}
