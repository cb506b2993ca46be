/**
 * ferry deploy against an API that answers the deploy with one JSON document rather than the
 * streamed NDJSON progress (an older platform, or a proxy that drops the Accept header): the CLI
 * still reports the result and its errors. A real HTTP proxy in front of the real platform rewrites
 * the Accept header; nothing else changes.
 */
import { createServer, request as forward, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../local/paths.ts";
import { type Cli, newTenant, platform, scriptUrl, uniqueName, visit } from "./support.ts";

const ECHO = path.join(ROOT, "examples/wagi-c-echo/echo.wasm");
/** Valid wasm without `_start`: the platform refuses it at the Built stage. */
const LIBRARY = path.join(ROOT, "examples/worker-wasm/src/greet.wasm");

let proxy: Server;
let proxyUrl: string;
/** The Accept header of every deploy the CLI sent through the proxy. */
const asked: (string | undefined)[] = [];
let cli: Cli;

beforeAll(async () => {
	const { port } = platform();
	proxy = createServer((incoming, outgoing) => {
		if (incoming.method === "PUT") asked.push(incoming.headers.accept);
		const upstream = forward(
			{
				host: "127.0.0.1",
				port,
				method: incoming.method,
				path: incoming.url,
				headers: { ...incoming.headers, host: `api.localhost:${port}`, accept: "application/json" },
			},
			(answer) => {
				outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(outgoing);
			},
		);
		incoming.pipe(upstream);
	});
	await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
	proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
	({ cli } = await newTenant("plain"));
	cli = cli.with({ FERRY_API_URL: proxyUrl });
});

afterAll(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

describe("a deploy answered with plain JSON (no streamed progress)", () => {
	it("prints the result, and the deployment serves", async () => {
		const name = uniqueName("plain");
		const out = await cli.ok(["deploy", ECHO, "--name", name]);
		expect(asked.at(-1)).toContain("application/x-ndjson");
		expect(out).toContain(`Deployed ${name}`);
		expect(out).toMatch(new RegExp(`URL\\s+${scriptUrl(name).replace(/[.]/g, "\\.")}`));
		expect((await visit(`${scriptUrl(name)}x?q=1`)).text).toContain("query=q=1\n");
	});

	it("reports a deployment that ends in Error in one line, exit 1, and the previous one keeps serving", async () => {
		const name = uniqueName("plain");
		await cli.ok(["deploy", ECHO, "--name", name]);
		const result = await cli.run(["deploy", LIBRARY, "--name", name]);
		expect(result.code).toBe(1);
		const errors = result.stderr.split("\n").filter((line) => line.startsWith("✘"));
		expect(errors).toHaveLength(1);
		expect(errors[0]).toContain("_start");
		expect(result.stderr).not.toMatch(/\n\s+at /);
		expect((await visit(`${scriptUrl(name)}still`)).text).toContain("path=/still\n");
	});
});
