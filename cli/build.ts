/**
 * Builds dist/ferry.js, what an installed ferry-cli runs (Node will not strip TypeScript types under
 * node_modules). One ESM file; dependencies stay external and are installed with the package.
 * Runs on `npm pack` / `npm publish` (prepack).
 */
import path from "node:path";
import { build } from "esbuild";

const root = import.meta.dirname;

await build({
	entryPoints: [path.join(root, "src", "bin.ts")],
	outfile: path.join(root, "dist", "ferry.js"),
	bundle: true,
	platform: "node",
	format: "esm",
	target: "node22",
	packages: "external",
	sourcemap: "linked",
	logLevel: "warning",
});
