/** `npm run docs:cli`: rewrites the command reference in docs/cli.md from the command definitions. */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { commandReference, REFERENCE_END, REFERENCE_START } from "./src/core/help.ts";

const file = path.join(import.meta.dirname, "..", "docs", "cli.md");
const docs = readFileSync(file, "utf8");
const start = docs.indexOf(REFERENCE_START);
const end = docs.indexOf(REFERENCE_END);
if (start === -1 || end === -1) throw new Error(`${file} needs the reference markers:\n${REFERENCE_START}\n${REFERENCE_END}`);
writeFileSync(file, `${docs.slice(0, start)}${await commandReference()}${docs.slice(end + REFERENCE_END.length)}`);
console.log(`updated the command reference in ${path.relative(process.cwd(), file)}`);
