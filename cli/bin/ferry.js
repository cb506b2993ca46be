#!/usr/bin/env node
// A checkout runs the TypeScript source (Node strips the types); an installed package ships only the
// bundle in dist/, because Node refuses to strip types under node_modules.
import { existsSync } from "node:fs";

const source = new URL("../src/bin.ts", import.meta.url);
const fromSource = existsSync(source);

// Plain JavaScript up to here, so that an older Node gets one line rather than a stack trace from
// loading what it cannot run.
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
const hint = fromSource ? " (in the Ferry repository, `npx ferry` runs the Node it pins)" : "";
if (major < 22 || (major === 22 && minor < 12)) {
	console.error(`ferry: needs Node.js 22.12 or newer, this is ${process.version}${hint}`);
	process.exit(1);
}
if (fromSource && !process.features.typescript) {
	console.error(
		`ferry: running from a checkout needs a Node.js that strips TypeScript types (22.18+ or 23.6+), this is ${process.version}${hint}`,
	);
	process.exit(1);
}
await import(fromSource ? source.href : new URL("../dist/ferry.js", import.meta.url).href);
