#!/usr/bin/env node
// A checkout runs the TypeScript source (Node strips the types); an installed package ships only the
// bundle in dist/, because Node refuses to strip types under node_modules.
import { existsSync } from "node:fs";

const source = new URL("../src/bin.ts", import.meta.url);
await import(existsSync(source) ? source.href : new URL("../dist/ferry.js", import.meta.url).href);
