/**
 * The fake Cloudflare API is as strict as Cloudflare: each check of test/support/cloudflare-api/, with a
 * request that a lenient fake would have taken and that this one refuses the way Cloudflare does (its
 * status, code and, where Ferry shows it to a tenant, its message). Requests go straight to the fake.
 */
import { describe, expect, inject, it } from "vitest";
import { FakeCloudflareApi } from "../../support/cloudflare-api/control";
import { hello } from "../platform";

const cloudflare = new FakeCloudflareApi(inject("cloudflareApi"));
const { url, accountId, apiToken, namespace } = cloudflare.info;
const scriptsUrl = `${url}/accounts/${accountId}/workers/dispatch/namespaces/${namespace}/scripts`;

type Part = { name: string; type: string; content: string | Uint8Array };
const valid = { main_module: "index.js", compatibility_date: "2026-11-01" };
const index: Part = { name: "index.js", type: "application/javascript+module", content: hello("x") };

function form(metadata: unknown, parts: Part[] = [index]): FormData {
	const body = new FormData();
	body.set("metadata", new File([JSON.stringify(metadata)], "metadata.json", { type: "application/json" }));
	for (const part of parts) body.append(part.name, new File([part.content], part.name, { type: part.type }));
	return body;
}

let uploads = 0;
async function put(body: BodyInit, init: { headers?: Record<string, string>; query?: string; script?: string } = {}) {
	const script = init.script ?? `contract-${uploads++}`;
	const res = await fetch(`${scriptsUrl}/${script}${init.query ?? "?excludeScript=true"}`, {
		method: "PUT",
		body,
		headers: { authorization: `Bearer ${apiToken}`, ...init.headers },
	});
	const answer = (await res.json()) as {
		success: boolean;
		errors: { code: number; message: string }[];
		result: Record<string, unknown> | null;
	};
	return {
		status: res.status,
		headers: res.headers,
		code: answer.errors[0]?.code,
		message: answer.errors[0]?.message,
		result: answer.result,
		script,
	};
}

describe("the fake Cloudflare API takes what Cloudflare takes", () => {
	it("answers an upload with the handlers it found by starting the code, its startup time, and no script body with ?excludeScript=true", async () => {
		const accepted = await put(form(valid, [{ ...index, content: "export default { fetch() {}, scheduled() {} };" }]));
		expect(accepted.status).toBe(200);
		expect(accepted.result).toMatchObject({ id: accepted.script, handlers: ["fetch", "scheduled"] });
		expect(accepted.result!.startup_time_ms).toEqual(expect.any(Number));
		expect(accepted.result).not.toHaveProperty("script");
		expect(accepted.headers.get("ratelimit")).toMatch(/^"default";r=\d+;t=\d+$/);
		expect(accepted.headers.get("ratelimit-policy")).toBe('"default";q=1200;w=300');
		expect(accepted.headers.get("retry-after")).toBeNull();
		// Without the query, Cloudflare sends the script back (wrangler: "so the whole body of the script doesn't get included").
		const verbose = await put(form(valid), { query: "" });
		expect(verbose.result).toMatchObject({ script: hello("x") });
	});

	it("finds the handlers of a class-based default export too", async () => {
		const code = `import { WorkerEntrypoint } from "cloudflare:workers"; export default class extends WorkerEntrypoint { fetch() { return new Response("x"); } };`;
		expect((await put(form(valid, [{ ...index, content: code }]))).result).toMatchObject({ handlers: ["fetch"] });
	});
});

describe("the fake Cloudflare API refuses what Cloudflare refuses", () => {
	const metadataCases: [string, unknown, Part[] | undefined, number, number, string | RegExp | undefined][] = [
		["a metadata field Cloudflare does not document", { ...valid, main: "index.js" }, undefined, 400, 10021, undefined],
		["vars instead of bindings", { ...valid, vars: { A: "1" } }, undefined, 400, 10021, undefined],
		[
			"a binding type Ferry never sends",
			{ ...valid, bindings: [{ type: "plain", name: "A", text: "1" }] },
			undefined,
			400,
			10021,
			undefined,
		],
		["main_module not among the parts", { ...valid, main_module: "main.js" }, undefined, 400, 10021, undefined],
		["a part with a content type the API does not take", valid, [{ ...index, type: "text/html" }], 400, 10021, undefined],
		[
			"a JSON module part (the API has no JSON module type)",
			valid,
			[index, { name: "c.json", type: "application/json", content: "{}" }],
			400,
			10021,
			"part 'c.json' has unsupported content type 'application/json'",
		],
		[
			"a compatibility date in the future",
			{ ...valid, compatibility_date: "2099-01-01" },
			undefined,
			400,
			10021,
			"Can't set compatibility date in the future: 2099-01-01",
		],
		[
			"an unknown compatibility flag",
			{ ...valid, compatibility_flags: ["no_such_flag"] },
			undefined,
			400,
			10021,
			"No such compatibility flag: no_such_flag",
		],
		[
			"a compatibility flag twice",
			{ ...valid, compatibility_flags: ["nodejs_compat", "nodejs_compat"] },
			undefined,
			400,
			10021,
			"Compatibility flag specified multiple times: nodejs_compat",
		],
		["a tag with ','", { ...valid, tags: ["a,b"] }, undefined, 400, 10021, undefined],
		["a tag with '&'", { ...valid, tags: ["a&b"] }, undefined, 400, 10021, undefined],
		["a tag with ':' (it splits ?tags= filters)", { ...valid, tags: ["a:b"] }, undefined, 400, 10021, undefined],
		[
			"nine tags",
			{ ...valid, tags: ["1", "2", "3", "4", "5", "6", "7", "8", "9"] },
			undefined,
			400,
			10021,
			"A script can have at most 8 tags",
		],
		["a tail consumer without a service", { ...valid, tail_consumers: [{ environment: "production" }] }, undefined, 400, 10021, undefined],
		["a CPU limit over five minutes", { ...valid, limits: { cpu_ms: 300_001 } }, undefined, 400, 10021, undefined],
		[
			"a var over 5 KB",
			{ ...valid, bindings: [{ type: "plain_text", name: "BIG", text: "x".repeat(5 * 1024 + 1) }] },
			undefined,
			400,
			10054,
			"The environment variable 'BIG' exceeds the size limit of 5 KB",
		],
		[
			"129 vars and secrets",
			{
				...valid,
				bindings: Array.from({ length: 129 }, (_, i) => ({ type: i % 2 ? "secret_text" : "plain_text", name: `V${i}`, text: "1" })),
			},
			undefined,
			400,
			10055,
			undefined,
		],
		[
			"a syntax error",
			valid,
			[{ ...index, content: "export default {" }],
			400,
			10021,
			"Uncaught SyntaxError: Unexpected end of input\n  at index.js:1:16",
		],
		["a top level that throws", valid, [{ ...index, content: `throw new Error("top")` }], 400, 10021, /^Uncaught Error: top/],
		[
			"a module with no handler at all",
			valid,
			[{ ...index, content: "export default {};" }],
			400,
			10068,
			"The uploaded Worker has no registered event handlers.",
		],
	];
	for (const [what, metadata, parts, status, code, message] of metadataCases)
		it(`refuses ${what}`, async () => {
			const refused = await put(form(metadata, parts));
			expect({ status: refused.status, code: refused.code, result: refused.result }).toEqual({ status, code, result: null });
			if (message !== undefined) expect(refused.message).toMatch(message);
			expect(await cloudflare.script(refused.script)).toBeNull();
		});

	it("refuses a missing or another token, and a body that is not multipart", async () => {
		const missing = await fetch(`${scriptsUrl}/contract-auth`, { method: "PUT", body: form(valid) });
		expect(missing.status).toBe(400);
		expect(((await missing.json()) as { errors: { code: number }[] }).errors.map((e) => e.code)).toEqual([6003, 6111]);
		expect((await put(form(valid), { headers: { authorization: "Bearer nope" } })).code).toBe(10000);
		expect(await put(JSON.stringify(valid), { headers: { "content-type": "application/json" } })).toMatchObject({
			status: 400,
			code: 10026,
		});
	});

	it("refuses a Worker over 64 MiB (10027)", async () => {
		const big = new Uint8Array(64 * 1024 * 1024 + 1);
		const refused = await put(form(valid, [index, { name: "big.bin", type: "application/octet-stream", content: big }]));
		expect(refused).toMatchObject({ status: 400, code: 10027, result: null });
	}, 30_000);

	it("refuses a top level that does not finish within the 1 s startup limit, and keeps answering", async () => {
		const refused = await put(form(valid, [{ ...index, content: "while (true) {} export default { fetch() {} };" }]));
		expect(refused).toMatchObject({ status: 400, code: 10021, message: "Script startup exceeded CPU time limit." });
		expect((await put(form(valid))).status).toBe(200);
	}, 30_000);

	it("holds only the namespace the dispatcher's production config binds, in the one account", async () => {
		const elsewhere = await fetch(`${url}/accounts/${accountId}/workers/dispatch/namespaces/other-namespace/scripts/x`, {
			method: "PUT",
			body: form(valid),
			headers: { authorization: `Bearer ${apiToken}` },
		});
		expect(elsewhere.status).toBe(404);
		expect(await cloudflare.script("x", "other-namespace")).toBeNull();
		const wrongPath = await fetch(`${url}/accounts/${accountId}/workers/scripts/contract-path`, {
			method: "PUT",
			headers: { authorization: `Bearer ${apiToken}` },
			body: form(valid),
		});
		expect(wrongPath.status).toBe(404);
		expect(inject("apiDispatchNamespace")).toBe(namespace);
	});

	it("answers a delete with no body, and deletes by tag only with a tags filter", async () => {
		const uploaded = await put(form({ ...valid, tags: ["contract-delete"] }));
		const one = await fetch(`${scriptsUrl}/${uploaded.script}`, { method: "DELETE", headers: { authorization: `Bearer ${apiToken}` } });
		expect(one.status).toBe(200);
		expect(await one.text()).toBe("");
		const again = await fetch(`${scriptsUrl}/${uploaded.script}`, { method: "DELETE", headers: { authorization: `Bearer ${apiToken}` } });
		expect(again.status).toBe(404);
		expect(((await again.json()) as { errors: { code: number }[] }).errors[0]?.code).toBe(10007);
		const unfiltered = await fetch(scriptsUrl, { method: "DELETE", headers: { authorization: `Bearer ${apiToken}` } });
		expect(unfiltered.status).toBe(400);
		const tagged = [await put(form({ ...valid, tags: ["contract-bulk", "keep"] })), await put(form({ ...valid, tags: ["contract-bulk"] }))];
		const bulk = await fetch(`${scriptsUrl}?tags=contract-bulk:yes,keep:no`, {
			method: "DELETE",
			headers: { authorization: `Bearer ${apiToken}` },
		});
		expect(bulk.status).toBe(200);
		expect(await bulk.text()).toBe("");
		expect(await cloudflare.scriptsTagged("contract-bulk")).toEqual([tagged[0]!.script]);
	});

	it("rate-limits each token: past its quota every call is refused with 429 and Retry-After for the rest of the window", async () => {
		const token = await cloudflare.token({ quota: 2, windowSeconds: 300 });
		const headers = { authorization: `Bearer ${token}` };
		const first = await put(form(valid), { headers });
		expect(first.status).toBe(200);
		expect(first.headers.get("ratelimit")).toMatch(/^"default";r=1;t=\d+$/);
		expect(first.headers.get("ratelimit-policy")).toBe('"default";q=2;w=300');
		expect((await put(form(valid), { headers })).status).toBe(200);
		for (let i = 0; i < 2; i++) {
			const locked = await put(form(valid), { headers });
			expect(locked).toMatchObject({ status: 429, code: 971 });
			expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(290);
			expect(locked.headers.get("ratelimit")).toMatch(/^"default";r=0;t=\d+$/);
			expect(await cloudflare.script(locked.script)).toBeNull();
		}
		// Another token is not locked out.
		expect((await put(form(valid))).status).toBe(200);
	});
});
