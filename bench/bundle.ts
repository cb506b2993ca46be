/**
 * `node bench/bundle.ts`: what bundling costs per deploy, for docs/cli.md ("Bundling").
 * Compares Ferry's path (wrangler's own bundler: `wrangler deploy --dry-run --outfile` in a child
 * process, then reading the form back) with esbuild in-process on wrangler's settings (local/'s
 * bundleWorker: the lower bound for any esbuild pipeline, without nodejs_compat polyfills, module
 * rules or custom builds).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Io } from "../cli/src/core/io.ts";
import { bundleProject } from "../cli/src/project/bundle.ts";
import { ROOT } from "../local/paths.ts";
import { bundleWorker } from "../local/workers.ts";
import { median } from "./stats.ts";

const RUNS = Number(process.env.RUNS ?? 7);

const fixtures: Record<string, { main: string; flags: string[]; files: Record<string, string> }> = {
	"hello (one JS module)": {
		main: "index.js",
		flags: [],
		files: { "index.js": `export default { fetch: () => new Response("hello") };` },
	},
	"Hono + TypeScript + nodejs_compat": {
		main: "index.ts",
		flags: ["nodejs_compat"],
		files: {
			"index.ts": `import { Hono } from "hono";\nimport { Buffer } from "node:buffer";\nconst app = new Hono();\napp.get("/", (c) => c.text(Buffer.from("hi").toString("base64")));\nexport default app;\n`,
		},
	},
};

async function time(run: () => Promise<unknown>): Promise<number> {
	const samples: number[] = [];
	for (let i = 0; i < RUNS; i++) {
		const started = performance.now();
		await run();
		samples.push(performance.now() - started);
	}
	return median(samples);
}

for (const [label, fixture] of Object.entries(fixtures)) {
	const dir = mkdtempSync(path.join(tmpdir(), "ferry-bench-bundle-"));
	mkdirSync(dir, { recursive: true });
	for (const [file, content] of Object.entries(fixture.files)) writeFileSync(path.join(dir, file), content);
	writeFileSync(
		path.join(dir, "wrangler.toml"),
		`name = "bench"\nmain = "${fixture.main}"\ncompatibility_date = "2026-11-01"\ncompatibility_flags = ${JSON.stringify(fixture.flags)}\n`,
	);
	symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
	const io = { env: process.env, cwd: dir, signal: new AbortController().signal } as unknown as Io;

	const wrangler = await time(() => bundleProject(io, { vars: [] }));
	const esbuild = await time(() => bundleWorker(path.join(dir, fixture.main)));
	console.log(`${label}: wrangler's bundler ${Math.round(wrangler)} ms, esbuild in-process ${Math.round(esbuild)} ms (median of ${RUNS})`);
	rmSync(dir, { recursive: true, force: true });
}
