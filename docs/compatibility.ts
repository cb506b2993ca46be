/** `npm run docs:compat`: rewrites the tables in docs/compatibility.md from workers/shared/compatibility/. */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { compatibilityTables, TABLES_END, TABLES_START } from "../workers/shared/compatibility/render.ts";

const file = path.join(import.meta.dirname, "compatibility.md");
const docs = readFileSync(file, "utf8");
const start = docs.indexOf(TABLES_START);
const end = docs.indexOf(TABLES_END);
if (start === -1 || end === -1) throw new Error(`${file} needs the table markers:\n${TABLES_START}\n${TABLES_END}`);
writeFileSync(file, `${docs.slice(0, start)}${compatibilityTables()}${docs.slice(end + TABLES_END.length)}`);
console.log(`updated the tables in ${path.relative(process.cwd(), file)}`);
