/**
 * create-cloudflare's templates (the devDependency, pinned), instantiated as create-cloudflare does:
 * the template's files copied, `__dot__gitignore` renamed, `<WORKER_NAME>` and `<COMPATIBILITY_DATE>`
 * replaced in wrangler.jsonc. Inside the repository (a gitignored folder) so that their imports
 * (hono) resolve the repository's node_modules, as they would their own after `npm install`.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll } from "vitest";
import { ROOT } from "../../local/paths.ts";

const TEMPLATES = path.join(ROOT, "node_modules", "create-cloudflare", "templates");
const PROJECTS = path.join(ROOT, ".test-projects");

const made: string[] = [];
afterAll(() => {
	for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A new project from the template at `template` (relative to create-cloudflare's templates/), named `name`. */
export function fromTemplate(template: string, name: string, compatibilityDate = "2026-11-01"): string {
	const dir = path.join(PROJECTS, name);
	mkdirSync(PROJECTS, { recursive: true });
	cpSync(path.join(TEMPLATES, template), dir, { recursive: true });
	made.push(dir);
	if (existsSync(path.join(dir, "__dot__gitignore"))) renameSync(path.join(dir, "__dot__gitignore"), path.join(dir, ".gitignore"));
	const config = path.join(dir, "wrangler.jsonc");
	const text = readFileSync(config, "utf8").replaceAll("<WORKER_NAME>", name).replaceAll("<COMPATIBILITY_DATE>", compatibilityDate);
	writeFileSync(config, text);
	return dir;
}
