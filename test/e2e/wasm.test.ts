/**
 * WebAssembly on the local platform as a user drives it: `npm run dev --verbose` in its own process
 * (the project's shared one, ./global-setup.ts), modules uploaded over HTTP the way `curl -F
 * name=@file` sends them (untyped file parts), and requests over real HTTP.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, expect, it } from "vitest";
import { ROOT } from "../../local/paths.ts";
import { loopbackFetch } from "../../loopback/index.ts";
import { newTenant } from "./dev-server.ts";
import { sharedDevServer } from "./shared.ts";

const dev = sharedDevServer();
let auth: Record<string, string>;

beforeAll(async () => {
	auth = await newTenant(dev, dev.adminToken, "wasm");
});

/** A file part as curl sends `-F name=@file`: no type of its own. */
const filePart = (repoPath: string, name = path.basename(repoPath)) => new File([readFileSync(path.join(ROOT, repoPath))], name);

async function deploy(script: string, metadata: Record<string, unknown>, files: File[]) {
	const form = new FormData();
	form.set("metadata", JSON.stringify(metadata));
	for (const file of files) form.append(file.name, file);
	const res = await loopbackFetch(`${dev.api}/v1/scripts/${script}`, { method: "PUT", headers: auth, body: form });
	expect(res.status, await res.clone().text()).toBe(200);
}

it("serves a WASI module with the request's real host, port and client address", async () => {
	await deploy("cases", { wasi: "wagi" }, [filePart("test/fixtures/wasi/cases.wasm")]);
	const res = await loopbackFetch(`${dev.at("cases")}env?x=1`, { headers: { "x-e2e": "yes" } });
	expect(res.status).toBe(200);
	const env = (await res.text()).split("\n").filter((line) => line.startsWith("env="));
	expect(env).toEqual(
		expect.arrayContaining([
			"env=REMOTE_ADDR=127.0.0.1",
			`env=HTTP_HOST=cases.localhost:${dev.port}`,
			"env=SERVER_NAME=cases.localhost",
			`env=SERVER_PORT=${dev.port}`,
			"env=QUERY_STRING=x=1",
			"env=HTTP_X_E2E=yes",
		]),
	);
});

it("puts what a WASI module writes to stderr in the platform's log", async () => {
	await deploy("echo", { wasi: "wagi" }, [filePart("examples/wagi-c-echo/echo.wasm")]);
	const res = await loopbackFetch(`${dev.at("echo")}e2e`, { method: "POST", body: "hello" });
	expect(res.status).toBe(201);
	const line = "echo: POST /e2e, 5 bytes in";
	await expect.poll(() => dev.output(), { timeout: 10_000 }).toContain(line);
});

it("serves a JavaScript Worker that imports a .wasm module", async () => {
	const example = "examples/worker-wasm/src";
	await deploy("greeter", { main_module: "worker.js" }, [
		filePart(`${example}/worker.js`),
		filePart(`${example}/greet.js`),
		filePart(`${example}/greet.wasm`),
	]);
	expect(await (await loopbackFetch(`${dev.at("greeter")}?name=e2e`)).text()).toBe("Hello, e2e, from WebAssembly!\n");
});
