import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DEFAULT_COMPATIBILITY_DATE } from "../../../workers/shared/limits.ts";
import { scriptNameProblem } from "../../../workers/shared/names.ts";
import { defineCommand, jsonArg } from "../core/command.ts";
import { CancelledError, UserError } from "../core/errors.ts";
import type { Io } from "../core/io.ts";
import { render, TEMPLATE_NAMES, TEMPLATES } from "../templates/index.ts";

/** A script name from a directory name: lowercase, runs of other characters become '-'. */
const nameFrom = (dir: string) =>
	path
		.basename(path.resolve(dir))
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, "-")
		.replace(/^-+|-+$/g, "")
		.slice(0, 63)
		.replace(/-+$/, "");

export default defineCommand({
	meta: {
		description: "Create a Worker project that 'ferry deploy' deploys as it is",
		examples: ["ferry init hello", "ferry init api --template hono", "ferry init site --template js --name my-site"],
	},
	args: {
		dir: { type: "positional", description: "The directory to create (it must not exist, or be empty)" },
		template: {
			type: "enum",
			options: TEMPLATE_NAMES,
			default: "ts",
			description: `The starting point: ${TEMPLATE_NAMES.map((t) => `${t} (${TEMPLATES[t].description})`).join(", ")}`,
		},
		name: { type: "string", valueHint: "NAME", description: "The script name (default: from the directory's name)" },
		"skip-install": { type: "boolean", description: "Do not run npm install for the template's dependencies" },
		...jsonArg,
	},
	async run({ args, io, out }) {
		const dir = path.resolve(io.cwd, args.dir);
		if (existsSync(dir) && readdirSync(dir).length > 0)
			throw new UserError(`${args.dir} already exists and is not empty: pick a new directory`);
		const name = args.name ?? nameFrom(dir);
		const problem = scriptNameProblem(name);
		if (problem) throw new UserError(`'${name}' cannot be a script name: ${problem}; pass --name`);

		const template = TEMPLATES[args.template];
		const files = render(template, { name, compatibilityDate: DEFAULT_COMPATIBILITY_DATE });
		for (const [file, content] of Object.entries(files)) {
			mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
			writeFileSync(path.join(dir, file), content);
		}
		const needsInstall = Object.keys(template.dependencies).length + Object.keys(template.devDependencies).length > 0;
		const installed = needsInstall && !args["skip-install"];
		if (installed) {
			out.log(`Installing ${Object.keys(template.dependencies).join(", ")} with npm…`);
			await npmInstall(io, dir);
		}
		const relative = path.relative(io.cwd, dir) || ".";
		const cdTarget = /^[\w./-]+$/.test(relative) ? relative : JSON.stringify(relative);
		if (args.json) return out.json({ dir, name, template: args.template, files: Object.keys(files).sort(), installed });
		out.success(`Created ${name} (${args.template} template) in ${relative}`);
		out.log("");
		out.log("Next:");
		out.log(`  cd ${cdTarget}`);
		if (needsInstall && !installed) out.log("  npm install");
		out.log("  ferry deploy");
	},
});

function npmInstall(io: Io, dir: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const child = spawn("npm", ["install", "--no-audit", "--no-fund"], {
			cwd: dir,
			env: io.env,
			stdio: ["ignore", "pipe", "pipe"],
			shell: process.platform === "win32",
		});
		let output = "";
		child.stdout.on("data", (chunk: Buffer) => (output += chunk));
		child.stderr.on("data", (chunk: Buffer) => (output += chunk));
		const cancel = () => child.kill("SIGTERM");
		io.signal.addEventListener("abort", cancel, { once: true });
		child.once("error", (error) =>
			reject(new UserError(`could not run npm in ${dir}: ${error.message}; install the dependencies yourself`)),
		);
		child.once("close", (code) => {
			io.signal.removeEventListener("abort", cancel);
			if (io.signal.aborted) reject(new CancelledError(`cancelled during npm install: the project is in ${dir}; run npm install there`));
			else if (code === 0) resolve();
			else
				reject(
					new UserError(
						`npm install failed in ${dir} (exit code ${code}): ${output.trim().split("\n").at(-1) ?? ""}; run it there yourself`,
					),
				);
		});
	});
}
