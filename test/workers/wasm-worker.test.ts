/**
 * JavaScript Workers that import WebAssembly modules (the shape wasm-bindgen, workers-rs and
 * AssemblyScript's bindings produce): deployed through the API, run by the dispatcher, and uploaded to
 * production as `application/wasm` parts.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { uploadForm } from "../../workers/api/src/publish/dispatch-namespace/form";
import { ArtifactStore } from "../../workers/shared/artifacts";
import { repoFile, repoText } from "./files";
import { deploy, hello, json, newTenant, uniqueName, visit } from "./platform";

const EXAMPLE = "examples/worker-wasm/src";

/** The example as its toolchain laid it out: the Worker, AssemblyScript's glue, and the .wasm. */
const exampleModules = () => [
	{ name: "worker.js", content: repoText(`${EXAMPLE}/worker.js`) },
	{ name: "greet.js", content: repoText(`${EXAMPLE}/greet.js`) },
	{ name: "greet.wasm", content: repoFile(`${EXAMPLE}/greet.wasm`), type: "application/wasm" },
];

describe("a Worker with a WebAssembly module", () => {
	it("deploys and runs: the .wasm is imported as a compiled module and instantiated by its glue", async () => {
		const t = await newTenant();
		const name = uniqueName();
		const res = await deploy(t.token, name, exampleModules(), { main_module: "worker.js" });
		expect(res.status).toBe(200);
		const greeting = await visit(`${name}.localhost`, "/?name=Ada");
		expect(await greeting.text()).toBe("Hello, Ada, from WebAssembly!\n");
		// The same instance serves the isolate's later requests.
		const counted = await visit(`${name}.localhost`, "/", { method: "POST", body: "one two  three\nfour" });
		expect(await counted.json()).toEqual({ words: 4 });
	});

	it("resolves modules in folders, typed by extension when the client sends no type (workers-rs layout)", async () => {
		const t = await newTenant();
		const name = uniqueName();
		const shim = `import wasm from "../index_bg.wasm";
			import { instantiate } from "../index.js";
			const library = instantiate(wasm);
			export default { async fetch() { return new Response((await library).greet("shim")); } };`;
		const res = await deploy(
			t.token,
			name,
			[
				{ name: "build/worker/shim.mjs", content: shim },
				{ name: "build/index.js", content: repoText(`${EXAMPLE}/greet.js`) },
				{ name: "build/index_bg.wasm", content: repoFile(`${EXAMPLE}/greet.wasm`), type: "application/octet-stream" },
			],
			{ main_module: "build/worker/shim.mjs" },
		);
		expect(res.status).toBe(200);
		expect(await (await visit(`${name}.localhost`)).text()).toBe("Hello, shim, from WebAssembly!");
	});

	it("stores the .wasm as a wasm module and uploads it to production as an application/wasm part", async () => {
		const t = await newTenant();
		const res = await deploy(t.token, uniqueName(), exampleModules(), { main_module: "worker.js" });
		const { deployment } = await json(res);
		const { manifest, blobs } = await new ArtifactStore(env.ARTIFACTS).getDeployment(deployment.id);
		expect(manifest.modules.map((m) => [m.name, m.kind])).toEqual([
			["worker.js", "esm"],
			["greet.js", "esm"],
			["greet.wasm", "wasm"],
		]);
		const form = uploadForm({ manifest, blobs, scriptId: "s" });
		const wasm = form.get("greet.wasm") as File;
		expect(wasm.type).toBe("application/wasm");
		expect(new Uint8Array(await wasm.arrayBuffer())).toEqual(repoFile(`${EXAMPLE}/greet.wasm`));
	});

	it("refuses an invalid .wasm at the Built stage and keeps the live deployment serving", async () => {
		const t = await newTenant();
		const name = uniqueName();
		await deploy(t.token, name, hello("v1"));
		const broken = exampleModules().map((m) =>
			m.name === "greet.wasm" ? { ...m, content: repoFile(`${EXAMPLE}/greet.wasm`).subarray(0, 100) } : m,
		);
		const res = await deploy(t.token, name, broken, { main_module: "worker.js" });
		expect(res.status).toBe(422);
		const { deployment } = await json(res);
		expect(deployment.error).toEqual({
			stage: "build",
			message: "module 'greet.wasm' is not a valid WebAssembly module (WebAssembly.validate refused it)",
		});
		expect(await (await visit(`${name}.localhost`)).text()).toBe("v1");
	});
});
