/**
 * `ferry init` templates: each a project that `ferry deploy` deploys unchanged, with a wrangler.jsonc
 * (so `wrangler dev` works on it too). Dependencies are pinned to the versions Ferry is tested with.
 */
import hono from "./hono.ts";
import js from "./js.ts";
import ts from "./ts.ts";

export interface Template {
	description: string;
	main: string;
	/** Files besides wrangler.jsonc and package.json, by path. */
	files: Record<string, string>;
	dependencies: Record<string, string>;
	devDependencies: Record<string, string>;
}

export const TEMPLATES = { ts, js, hono } satisfies Record<string, Template>;
export type TemplateName = keyof typeof TEMPLATES;
export const TEMPLATE_NAMES = Object.keys(TEMPLATES) as TemplateName[];

export interface Project {
	name: string;
	compatibilityDate: string;
}

/** Every file of a new project from `template`. */
export function render(template: Template, project: Project): Record<string, string> {
	const config = `{
	// The script name: the Worker answers at <name>.<the platform's domain>.
	"name": ${JSON.stringify(project.name)},
	"main": ${JSON.stringify(template.main)},
	"compatibility_date": ${JSON.stringify(project.compatibilityDate)},
	// Node.js APIs (node:buffer, node:crypto, …) for npm packages that need them.
	"compatibility_flags": ["nodejs_compat"],
	// Plain-text vars, in the Worker's env. Override one at deploy time: ferry deploy --var GREETING:Hi
	"vars": { "GREETING": "Hello" }
}
`;
	const packageJson = {
		name: project.name,
		version: "0.0.0",
		private: true,
		type: "module",
		scripts: { deploy: "ferry deploy", dev: "wrangler dev" },
		...(Object.keys(template.dependencies).length ? { dependencies: template.dependencies } : {}),
		...(Object.keys(template.devDependencies).length ? { devDependencies: template.devDependencies } : {}),
	};
	return {
		"wrangler.jsonc": config,
		"package.json": `${JSON.stringify(packageJson, null, 2)}\n`,
		".gitignore": "node_modules/\n.wrangler/\ndist/\n",
		...template.files,
	};
}
