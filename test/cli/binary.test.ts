/**
 * The real `ferry` binary end to end: from the checkout (Node strips the TypeScript), and packed,
 * installed into an empty directory and run from there (the built bundle), against the test platform.
 */
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../local/paths.ts";
import { helloProject, newTenant, platform, scriptUrl, tempDir, uniqueName, visit } from "./support.ts";

const run = promisify(execFile);
/** This Node (24) first on PATH, as `npm run` and `npx` arrange in the repo. */
const PATH = `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`;

let token: string;
beforeAll(async () => {
	({ token } = await newTenant("binary"));
});

interface FerryOptions {
	cwd?: string;
	configHome?: string;
	interruptOn?: string;
	/** Close the read end of its stdout at once, as `ferry … | head` does once head has its lines. */
	closeStdout?: boolean;
}

function ferry(bin: string, args: string[], options: FerryOptions = {}) {
	const child = spawn(bin, args, {
		cwd: options.cwd ?? tempDir(),
		env: {
			...process.env,
			PATH,
			XDG_CONFIG_HOME: options.configHome ?? tempDir(),
			FERRY_API_URL: platform().apiUrl,
			FERRY_API_TOKEN: token,
			CI: "true",
		},
		stdio: ["ignore", "pipe", "pipe"],
	});
	if (options.closeStdout) child.stdout.destroy();
	let stdout = "";
	let stderr = "";
	let interrupted = false;
	const watch = () => {
		if (options.interruptOn && !interrupted && (stdout + stderr).includes(options.interruptOn)) {
			interrupted = true;
			child.kill("SIGINT");
		}
	};
	child.stdout.on("data", (chunk: Buffer) => {
		stdout += chunk;
		watch();
	});
	child.stderr.on("data", (chunk: Buffer) => {
		stderr += chunk;
		watch();
	});
	return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
		child.once("close", (code) => resolve({ code, stdout, stderr })),
	);
}

describe("the binary in the checkout (npx ferry)", () => {
	const bin = path.join(ROOT, "node_modules", ".bin", "ferry");

	it("loads every command through Node's own TypeScript support", async () => {
		const { code, stdout } = await ferry(bin, ["--help"]);
		expect(code).toBe(0);
		expect(stdout).toContain("deployments view");
	});

	it("ends quietly when the reader of its output goes away (ferry … | head)", async () => {
		for (const args of [["--help"], ["scripts", "list"]]) {
			const { code, stderr } = await ferry(bin, args, { closeStdout: true });
			expect(stderr, `ferry ${args.join(" ")}`).toBe("");
			expect(code).toBe(0);
		}
	});

	it("deploys a project, and exits 130 on Ctrl-C while bundling", async () => {
		const name = uniqueName("bin");
		const deployed = await ferry(bin, ["deploy"], { cwd: helloProject(name, "from the binary") });
		expect(deployed.stderr).toBe("");
		expect(deployed.code).toBe(0);
		expect((await visit(scriptUrl(name))).text).toBe("from the binary");

		const other = uniqueName("bin-int");
		const interrupted = await ferry(bin, ["deploy"], { cwd: helloProject(other, "never"), interruptOn: "Bundling" });
		expect(interrupted.code).toBe(130);
		expect(interrupted.stderr).toBe("✘ cancelled while bundling: nothing was uploaded\n");
		expect((await visit(scriptUrl(other))).status).toBe(404);
	});
});

describe("the packed and installed package", () => {
	it("installs with npm and deploys from the installed binary", async () => {
		const packDir = tempDir("ferry-cli-pack-");
		const env = { ...process.env, PATH };
		const { stdout: packed } = await run("npm", ["pack", "--json", "--pack-destination", packDir], { cwd: path.join(ROOT, "cli"), env });
		const [{ filename, files }] = JSON.parse(packed) as [{ filename: string; files: { path: string }[] }];
		// The bundle and the launcher, not the TypeScript sources.
		expect(files.map((f) => f.path)).toEqual(expect.arrayContaining(["bin/ferry.js", "dist/ferry.js", "package.json"]));
		expect(files.some((f) => f.path.startsWith("src/"))).toBe(false);

		const app = tempDir("ferry-cli-installed-");
		await run("npm", ["init", "-y"], { cwd: app, env });
		await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", path.join(packDir, filename)], { cwd: app, env });
		const bin = path.join(app, "node_modules", ".bin", "ferry");
		expect(existsSync(path.join(app, "node_modules", "ferry-cli", "src"))).toBe(false);

		const configHome = tempDir();
		const login = await ferry(bin, ["login", "--token", token], { configHome });
		expect(login.code).toBe(0);
		const name = uniqueName("installed");
		const deployed = await ferry(bin, ["deploy"], { cwd: helloProject(name, "from the installed package"), configHome });
		expect(deployed.stderr).toBe("");
		expect(deployed.code).toBe(0);
		expect(deployed.stdout).toContain(`URL         ${scriptUrl(name)}`);
		expect((await visit(scriptUrl(name))).text).toBe("from the installed package");
	}, 120_000);
});
