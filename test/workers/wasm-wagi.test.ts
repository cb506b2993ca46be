/**
 * WASI command modules served CGI-style (the WAGI contract, docs/wasm.md), deployed through the API
 * and invoked through the dispatcher: the examples built from C and AssemblyScript, and a fixture
 * (test/fixtures/wasi/cases.c) for the behaviours a serious platform must get right.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { uploadForm } from "../../workers/api/src/publish/dispatch-namespace/form";
import { ArtifactStore } from "../../workers/shared/artifacts";
import { LIMITS } from "../../workers/shared/limits";
import { importMemory } from "../../workers/wasm/imported-memory";
import { WAGI_MAIN_MODULE, WAGI_SHIM_MODULE } from "../../workers/wasm/wagi";
import { WAGI_SHIM_SOURCE } from "../../workers/wasm/wagi-shim.generated";
import { repoFile } from "./files";
import { api, deploy, json, newTenant, uniqueName, visit } from "./platform";
import { wasmModule } from "./wasm-builder";

const WASM = "application/wasm";

/** Deploys `bytes` as a WASI command ("wasi": "wagi") under a fresh script name. */
async function deployWasi(bytes: Uint8Array, metadata: Record<string, unknown> = {}, t?: { token: string }, script = uniqueName("wasi")) {
	const tenant = t ?? (await newTenant());
	const res = await deploy(tenant.token, script, [{ name: "app.wasm", content: bytes, type: WASM }], { wasi: "wagi", ...metadata });
	return { tenant, script, res, body: await json(res) };
}

async function deployed(file: string, metadata: Record<string, unknown> = {}) {
	const { script, res, body, tenant } = await deployWasi(repoFile(file), metadata);
	if (res.status !== 200) throw new Error(`deploy failed: ${JSON.stringify(body)}`);
	return { script, host: `${script}.localhost`, deployment: body.deployment, tenant };
}

/** The echo examples' answer: `key=value` lines, a blank line, then the request body. */
function parseEcho(text: string) {
	const split = text.indexOf("\n\n");
	const lines = text.slice(0, split).split("\n");
	const value = (key: string) => lines.find((l) => l.startsWith(`${key}=`))?.slice(key.length + 1);
	return {
		value,
		args: lines.filter((l) => l.startsWith("arg=")).map((l) => l.slice(4)),
		body: text.slice(split + 2),
	};
}

const ECHOES = [
	{ language: "C", file: "examples/wagi-c-echo/echo.wasm", poweredBy: "C (wasi-libc)" },
	{ language: "AssemblyScript", file: "examples/wagi-as-echo/echo.wasm", poweredBy: "AssemblyScript" },
];

describe.each(ECHOES)("the $language echo example", ({ file, poweredBy }) => {
	it("sees the method, path, query (as arguments) and headers of a request", async () => {
		const { host } = await deployed(file);
		const res = await visit(host, "/a/b?x=1&y=two", { headers: { "x-test": "yes", "user-agent": "ferry-test" } });
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
		expect(res.headers.get("x-powered-by")).toBe(poweredBy);
		const echo = parseEcho(await res.text());
		expect(echo.value("method")).toBe("GET");
		expect(echo.value("path")).toBe("/a/b");
		expect(echo.value("query")).toBe("x=1&y=two");
		expect(echo.args).toEqual(["/a/b", "x=1", "y=two"]);
		expect(echo.value("HTTP_X_TEST")).toBe("yes");
		expect(echo.value("HTTP_USER_AGENT")).toBe("ferry-test");
		expect(echo.value("HTTP_HOST")).toBe(`${host}:8787`);
		expect(echo.value("stdin")).toBe("0");
	});

	it("reads a POST body from stdin and answers 201, with a decoded PATH_INFO", async () => {
		const { host } = await deployed(file);
		const payload = "line one\nline two\n\nafter a blank line: ünïcödé";
		const res = await visit(host, "/caf%C3%A9/items", { method: "POST", body: payload, headers: { "content-type": "text/plain" } });
		expect(res.status).toBe(201);
		const echo = parseEcho(await res.text());
		expect(echo.value("method")).toBe("POST");
		expect(echo.value("path")).toBe("/café/items");
		expect(echo.value("stdin")).toBe(String(new TextEncoder().encode(payload).byteLength));
		expect(echo.body).toBe(payload);
	});

	it("sets a cookie that counts the caller's visits", async () => {
		const { host } = await deployed(file);
		const first = await visit(host, "/");
		expect(first.headers.get("set-cookie")).toBe("visits=1; Path=/; HttpOnly");
		const later = await visit(host, "/", { headers: { cookie: "theme=dark; visits=41" } });
		expect(later.headers.get("set-cookie")).toBe("visits=42; Path=/; HttpOnly");
	});

	it("sets the status its CGI Status header names", async () => {
		const { host } = await deployed(file);
		const res = await visit(host, "/teapot?status=418");
		expect(res.status).toBe(418);
		expect(parseEcho(await res.text()).value("path")).toBe("/teapot");
	});

	it("redirects with a CGI Location header: 302 alone, the Status header's code with one", async () => {
		const { host } = await deployed(file);
		// Like a request from the internet: redirects go back to the client, never followed.
		const found = await visit(host, "/redirect?to=/elsewhere", { redirect: "manual" });
		expect(found.status).toBe(302);
		expect(found.headers.get("location")).toBe("/elsewhere");
		const moved = await visit(host, "/redirect?to=https://example.com/&status=301", { redirect: "manual" });
		expect(moved.status).toBe(301);
		expect(moved.headers.get("location")).toBe("https://example.com/");
	});
});

describe("the WAGI shim", () => {
	const CASES = "test/fixtures/wasi/cases.wasm";
	const CGI_VARIABLES = [
		"AUTH_TYPE",
		"CONTENT_LENGTH",
		"CONTENT_TYPE",
		"GATEWAY_INTERFACE",
		"PATH_INFO",
		"PATH_TRANSLATED",
		"QUERY_STRING",
		"REMOTE_ADDR",
		"REMOTE_HOST",
		"REMOTE_USER",
		"REQUEST_METHOD",
		"SCRIPT_NAME",
		"SERVER_NAME",
		"SERVER_PORT",
		"SERVER_PROTOCOL",
		"SERVER_SOFTWARE",
		"X_FULL_URL",
		"X_MATCHED_ROUTE",
		"X_RAW_PATH_INFO",
	];

	it("gives the module the CGI environment, the tenant's vars, and nothing of the platform's", async () => {
		const { host } = await deployed(CASES, { vars: { GREETING: "hello" } });
		const body = JSON.stringify({ a: 1 });
		const res = await visit(host, "/env?a=1&b", {
			method: "POST",
			body,
			headers: { "content-type": "application/json", "x-test": "yes", proxy: "http://attacker.example" },
		});
		expect(res.status).toBe(200);
		const lines = (await res.text()).split("\n");
		const variables = new Map(
			lines
				.filter((l) => l.startsWith("env="))
				.map((l) => {
					const [name, ...value] = l.slice(4).split("=");
					return [name!, value.join("=")];
				}),
		);
		expect(lines.filter((l) => l.startsWith("arg="))).toEqual(["arg=/env", "arg=a=1", "arg=b"]);
		expect(Object.fromEntries(variables)).toMatchObject({
			REQUEST_METHOD: "POST",
			CONTENT_TYPE: "application/json",
			CONTENT_LENGTH: String(body.length),
			PATH_INFO: "/env",
			QUERY_STRING: "a=1&b",
			SERVER_NAME: host,
			SERVER_PORT: "8787",
			SERVER_PROTOCOL: "HTTP/1.1",
			GATEWAY_INTERFACE: "CGI/1.1",
			X_FULL_URL: `http://${host}:8787/env?a=1&b`,
			X_MATCHED_ROUTE: "/...",
			HTTP_X_TEST: "yes",
			GREETING: "hello",
		});
		// Exactly the CGI variables, the request's headers and the tenant's own var: no binding, no
		// secret, no platform variable; and no HTTP_PROXY ("httpoxy").
		const allowed = new Set([...CGI_VARIABLES, "GREETING"]);
		expect([...variables.keys()].filter((name) => !allowed.has(name) && !name.startsWith("HTTP_"))).toEqual([]);
		expect(variables.has("HTTP_PROXY")).toBe(false);
		expect([...variables.values()].join("\n")).not.toContain(env.FERRY_ADMIN_TOKEN);
	});

	it("gives the module no file system", async () => {
		const { host } = await deployed(CASES);
		const text = await (await visit(host, "/files")).text();
		expect(text.split("\n").filter((line) => line.includes("="))).toHaveLength(5);
		expect(text).not.toContain("=open");
	});

	it("runs a fresh instance for every request", async () => {
		const { host } = await deployed(CASES);
		expect(await (await visit(host, "/counter")).text()).toBe("served=1\n");
		expect(await (await visit(host, "/counter")).text()).toBe("served=1\n");
	});

	it("gives every request a memory as a new instance has it, after one that marked it or grew it", async () => {
		const { host } = await deployed(CASES);
		const state = async (path: string) =>
			Object.fromEntries(
				(await (await visit(host, path)).text())
					.trim()
					.split("\n")
					.map((l) => l.split("=")),
			);
		const fresh = await state("/memory");
		expect(fresh.marked).toBe("0");
		// A request that marks its memory without growing it; the next one sees no mark.
		expect(await state("/memory?mark")).toEqual(fresh);
		expect(await state("/memory")).toEqual(fresh);
		const grown = await state("/memory?grow");
		expect(Number(grown.pages)).toBeGreaterThan(Number(fresh.pages));
		expect(grown.marked).toBe("0");
		// The next request sees neither the larger memory nor the marks the last one left in it.
		expect(await state("/memory")).toEqual(fresh);
		expect(await (await visit(host, "/counter")).text()).toBe("served=1\n");
	});

	it("refuses to sleep instead of spinning until the CPU limit", async () => {
		const { host } = await deployed(CASES);
		const text = await (await visit(host, "/sleep")).text();
		expect(text).toMatch(/^nanosleep=/);
		expect(text).not.toContain("slept");
	});

	it("answers a null-body status without a body, and reads CRLF headers and repeated Set-Cookie", async () => {
		const { host } = await deployed(CASES);
		const empty = await visit(host, "/no-content");
		expect(empty.status).toBe(204);
		expect(await empty.text()).toBe("");
		const crlf = await visit(host, "/crlf");
		expect(crlf.status).toBe(200);
		expect(crlf.headers.get("content-type")).toBe("text/plain");
		expect(crlf.headers.get("x-line-ends")).toBe("crlf");
		expect(crlf.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
		expect(await crlf.text()).toBe("body\r\n");
	});

	it("answers 413 for a request body over the stdin limit, without running the module", async () => {
		const { host } = await deployed(CASES);
		const res = await visit(host, "/counter", { method: "POST", body: new Uint8Array(LIMITS.wasiStdinBytes + 1) });
		expect(res.status).toBe(413);
		expect(await res.text()).toContain("larger than this WebAssembly module accepts (16 MiB)");
		expect(await (await visit(host, "/counter")).text()).toBe("served=1\n");
	});

	describe("when the module fails", () => {
		afterEach(() => vi.restoreAllMocks());

		it.each([
			["/trap", "the WASI module trapped: RuntimeError: unreachable", "cases: about to trap"],
			["/abort", "the WASI module trapped: RuntimeError: unreachable", undefined],
			["/exit", "the WASI module exited with code 3", "cases: giving up with exit code 3"],
			["/malformed", 'not a CGI response: not a header line: \\"this line is not a header\\"', undefined],
			["/no-blank-line", "not a CGI response: no blank line ends the CGI headers", undefined],
			["/bad-status", 'not a CGI response: Status \\"maybe\\" is not a status code', undefined],
			["/silent", "not a CGI response: the module wrote nothing to stdout", undefined],
			["/flood", "wrote more than 16 MiB to stdout", undefined],
		])("%s is the platform's 500 page, and the log says why", async (path, reason, stderr) => {
			const { host } = await deployed(CASES);
			const logged = vi.spyOn(console, "error");
			const res = await visit(host, path);
			expect(res.status).toBe(500);
			const requestId = res.headers.get("x-ferry-request-id");
			const page = await res.text();
			expect(page).toContain("This script failed");
			expect(page).toContain(requestId);
			expect(page).not.toMatch(/WASI|trapped|unreachable|stderr|CGI/);
			const line = logged.mock.calls.map((args) => String(args[0])).find((l) => l.includes(requestId!));
			expect(line).toContain("tenant script failed");
			expect(line).toContain(reason);
			if (stderr) expect(line).toContain(stderr);
			// The isolate keeps serving: the next request gets a fresh instance, on a zeroed memory.
			expect(await (await visit(host, "/counter")).text()).toBe("served=1\n");
		});
	});
});

describe("WASI deployments", () => {
	const okModule = () => wasmModule({ imports: [["wasi_snapshot_preview1", "proc_exit"]], exports: ["_start"], memory: true });

	it.each([
		[
			"not WebAssembly",
			new TextEncoder().encode("#!/bin/sh\necho hi\n"),
			"is not WebAssembly: it does not start with the magic number \\0asm",
		],
		["another binary version", new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00]), "is WebAssembly binary version 2"],
		["a component", new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00]), "is a WebAssembly component"],
		["truncated", okModule().subarray(0, 20), "is not a valid WebAssembly module"],
		["over the size limit", wasmModule({ exports: ["_start"], memory: true, padding: LIMITS.wasmModuleBytes }), "may be at most 8 MiB"],
		["a library (no _start)", repoFile("examples/worker-wasm/src/greet.wasm"), "exports no _start function"],
		["a reactor", wasmModule({ exports: ["_initialize"], memory: true }), "is a WASI reactor"],
		["without its memory exported", wasmModule({ exports: ["_start"] }), "exports no memory"],
		[
			"importing from outside WASI",
			wasmModule({ imports: [["env", "now"]], exports: ["_start"], memory: true }),
			"imports env.now: a WASI module served by Ferry may import only wasi_snapshot_preview1 functions",
		],
		[
			"built for WASI preview 0",
			wasmModule({ imports: [["wasi_unstable", "fd_write"]], exports: ["_start"], memory: true }),
			"imports wasi_unstable (WASI preview 0)",
		],
		[
			"importing WASI functions the shim lacks",
			wasmModule({ imports: [["wasi_snapshot_preview1", "sock_open"]], exports: ["_start"], memory: true }),
			"functions Ferry does not provide: sock_open",
		],
	])("refuses a module that is %s at the Built stage, leaving the live deployment serving", async (_, bytes, message) => {
		const { host, script, tenant } = await deployed("examples/wagi-c-echo/echo.wasm");
		const { res, body } = await deployWasi(bytes, {}, tenant, script);
		expect(res.status).toBe(422);
		expect(body.error.code).toBe("deployment_failed");
		expect(body.deployment.state).toBe("Error");
		expect(body.deployment.error.stage).toBe("build");
		expect(body.deployment.error.message).toContain(message);
		expect((await visit(host, "/")).headers.get("x-powered-by")).toBe("C (wasi-libc)");
	});

	it("fails at the Loaded stage when the module cannot be instantiated (its start function traps)", async () => {
		const { body } = await deployWasi(wasmModule({ exports: ["_start"], memory: true, trappingStart: true }));
		expect(body.deployment.error.stage).toBe("load");
		expect(body.deployment.error.message).toContain("unreachable");
	});

	it("refuses a WASI module sent as another type", async () => {
		const t = await newTenant();
		const res = await deploy(
			t.token,
			uniqueName(),
			[{ name: "app.js", content: repoFile("examples/wagi-hello/hello.wasm"), type: "application/javascript+module" }],
			{ wasi: "wagi" },
		);
		const body = await json(res);
		expect(body.deployment.error.message).toContain("the WASI module 'app.js' is not WebAssembly: send it typed application/wasm");
	});

	it("tells a Worker whose main module is WebAssembly how to serve a WASI module", async () => {
		const t = await newTenant();
		const res = await deploy(t.token, uniqueName(), [
			{ name: "app.wasm", content: repoFile("examples/wagi-hello/hello.wasm"), type: WASM },
		]);
		const body = await json(res);
		expect(res.status).toBe(422);
		expect(body.deployment.error.message).toContain('set "wasi": "wagi" in the metadata');
	});

	it.each([
		[
			"two modules",
			[
				["app.wasm", WASM],
				["lib.js", "application/javascript+module"],
			],
			{},
			"invalid_multipart",
			"holds exactly one module",
		],
		[
			"a main_module that is not the module",
			[["app.wasm", WASM]],
			{ main_module: "other.wasm" },
			"invalid_metadata",
			"is not the uploaded module",
		],
		["another wasi mode", [["app.wasm", WASM]], { wasi: "wasi-http" }, "invalid_metadata", 'the only value is \\"wagi\\"'],
		["a module in the platform's folder", [["__ferry/app.wasm", WASM]], {}, "invalid_multipart", "are the platform's"],
	] as const)("answers 400 for a WASI upload with %s, storing nothing", async (_, parts, metadata, code, message) => {
		const t = await newTenant();
		const hello = repoFile("examples/wagi-hello/hello.wasm");
		const res = await deploy(
			t.token,
			uniqueName(),
			parts.map(([name, type]) => ({ name, content: hello, type })),
			{ wasi: "wagi", main_module: undefined, ...metadata },
		);
		expect(res.status).toBe(400);
		const body = await json(res);
		expect(body.error.code).toBe(code);
		expect(JSON.stringify(body.error.message)).toContain(message);
	});

	it("is stored as the shim's module graph, uploaded to production as application/wasm plus the shim's ES modules", async () => {
		const hello = repoFile("examples/wagi-hello/hello.wasm");
		const { deployment } = await deployed("examples/wagi-hello/hello.wasm");
		const other = await deployed("examples/wagi-c-echo/echo.wasm");
		const { manifest, blobs } = await new ArtifactStore(env.ARTIFACTS).getDeployment(deployment.id);
		expect(manifest.mainModule).toBe(WAGI_MAIN_MODULE);
		expect(manifest.modules.map((m) => [m.name, m.kind])).toEqual([
			["app.wasm", "wasm"],
			[WAGI_MAIN_MODULE, "esm"],
			[WAGI_SHIM_MODULE, "esm"],
		]);
		// The shim is content-addressed like any module: every WASI deployment shares its one blob.
		const shimHash = (m: typeof manifest) => m.modules.find((module) => module.name === WAGI_SHIM_MODULE)!.sha256;
		expect(shimHash(await new ArtifactStore(env.ARTIFACTS).getManifest(other.deployment.id))).toBe(shimHash(manifest));

		const form = uploadForm({ manifest, blobs, scriptId: "s" });
		expect(JSON.parse(await (form.get("metadata") as File).text()).main_module).toBe(WAGI_MAIN_MODULE);
		const wasm = form.get("app.wasm") as File;
		expect(wasm.type).toBe(WASM);
		// The module as uploaded, its memory moved to an import (workers/wasm/imported-memory.ts).
		expect(new Uint8Array(await wasm.arrayBuffer())).toEqual(importMemory(hello)!.bytes);
		const shim = form.get(WAGI_SHIM_MODULE) as File;
		expect(shim.type).toBe("application/javascript+module");
		expect(await shim.text()).toBe(WAGI_SHIM_SOURCE);
		expect((form.get(WAGI_MAIN_MODULE) as File).type).toBe("application/javascript+module");
	});

	it("keeps WASI deployments to their tenant through the API like any script", async () => {
		const { script } = await deployed("examples/wagi-hello/hello.wasm");
		const stranger = await newTenant();
		expect((await api(`/v1/scripts/${script}`, { token: stranger.token })).status).toBe(404);
		const taken = await deployWasi(repoFile("examples/wagi-hello/hello.wasm"), {}, stranger, script);
		expect(taken.res.status).toBe(409);
	});
});
