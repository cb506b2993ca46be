/**
 * The reliability suite's harness: the real platform as `npm run dev` starts it (its own process
 * group, every workerd process; test/e2e/dev-server.ts), tenants and deploys over real HTTP on
 * *.localhost, and watchers that call a URL over and over while something goes wrong, recording
 * every answer, so a test can say how long a script or the API went without a good one.
 *
 * Two ways in: `platformForFile` starts one platform for a whole file (a tenant helper, slots);
 * `client` drives a platform a test starts (and restarts) itself with `startDevServer`.
 */
import { afterAll, beforeAll } from "vitest";
import { fnv1a, slotKey } from "../../local/control/slots.ts";
import { loopbackFetch } from "../../loopback/index.ts";
import type { DeploymentView } from "../../workers/api/src/views.ts";
import { type DevServer, startDevServer } from "../e2e/dev-server.ts";

export const ADMIN = "reliability-admin-token";

export interface Answer {
	status: number;
	text: string;
	/** When the call started and ended (ms since the epoch). */
	startedAt: number;
	endedAt: number;
}

/** A GET that never throws: a network failure or a timeout is status 0. */
export async function get(url: string, timeoutMs = 5_000): Promise<Answer> {
	const startedAt = Date.now();
	try {
		const response = await loopbackFetch(url, { signal: AbortSignal.timeout(timeoutMs) });
		return { status: response.status, text: await response.text(), startedAt, endedAt: Date.now() };
	} catch (error) {
		return { status: 0, text: String(error), startedAt, endedAt: Date.now() };
	}
}

export interface Watch {
	/** Stops calling; resolves with every answer, oldest first. */
	stop(): Promise<Answer[]>;
}

/** Calls `url` again as soon as each answer is in (after `pauseMs`), until stopped. */
export function watch(url: string, { pauseMs = 50, timeoutMs = 1_500 } = {}): Watch {
	const answers: Answer[] = [];
	let stopped = false;
	const loop = (async () => {
		while (!stopped) {
			answers.push(await get(url, timeoutMs));
			await new Promise((resolve) => setTimeout(resolve, pauseMs));
		}
	})();
	return {
		stop: async () => {
			stopped = true;
			await loop;
			return answers;
		},
	};
}

/**
 * The longest stretch, between `from` and the last answer, without a good answer: from the end of
 * one good answer (or `from`) to the end of the next good one.
 */
export function longestOutage(answers: Answer[], good: (answer: Answer) => boolean, from: number): number {
	let lastGood = from;
	let longest = 0;
	for (const answer of answers) {
		if (answer.endedAt < from || !good(answer)) continue;
		longest = Math.max(longest, answer.endedAt - lastGood);
		lastGood = answer.endedAt;
	}
	return longest;
}

export interface Tenant {
	token: string;
	/** PUT /v1/scripts/:name with one module; the raw answer. */
	deploy(script: string, source: string): Promise<Response>;
	/** GET an API path with this tenant's token; the JSON answer. */
	// biome-ignore lint/suspicious/noExplicitAny: each test reads the fields it asserts on
	api(path: string): Promise<any>;
}

export interface Platform {
	dev: DevServer;
	runtimes: number;
	tenant(name: string): Promise<Tenant>;
	/** A script name (prefix + n) that the edge sends to runtime slot `slot`, or away from it with `not`. */
	nameOnSlot(prefix: string, slot: number, options?: { not?: boolean }): string;
	slotOf(label: string): number;
	/** How many lines of the platform's output contain `text` so far. */
	linesWith(text: string): number;
}

export const hello = (text: string) => `export default { fetch: () => new Response(${JSON.stringify(text)}) };`;

/** One platform for the whole file (started before its tests, stopped after). */
export function platformForFile(args: string[] = [], runtimes = 2): () => Platform {
	const admin = `reliability-admin-${process.pid}`;
	let platform: Platform;
	beforeAll(async () => {
		const dev = await startDevServer({ adminToken: admin, args: ["--runtimes", String(runtimes), ...args] });
		const slotOf = (label: string) => fnv1a(slotKey(label)) % runtimes;
		platform = {
			dev,
			runtimes,
			slotOf,
			nameOnSlot(prefix, slot, { not = false } = {}) {
				for (let n = 0; ; n++) if ((slotOf(`${prefix}${n}`) === slot) !== not) return `${prefix}${n}`;
			},
			linesWith: (text) =>
				dev
					.output()
					.split("\n")
					.filter((line) => line.includes(text)).length,
			async tenant(name) {
				const created = await loopbackFetch(`${dev.api}/v1/tenants`, {
					method: "POST",
					headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
					body: JSON.stringify({ name }),
				});
				if (created.status !== 201) throw new Error(`creating tenant ${name}: ${created.status} ${await created.text()}`);
				const token = ((await created.json()) as { token: { token: string } }).token.token;
				const auth = { authorization: `Bearer ${token}` };
				return {
					token,
					deploy(script, source) {
						const form = new FormData();
						form.set("metadata", JSON.stringify({ main_module: "index.js", compatibility_date: "2026-11-01" }));
						form.set("index.js", new File([source], "index.js", { type: "application/javascript+module" }));
						return loopbackFetch(`${dev.api}/v1/scripts/${script}`, { method: "PUT", headers: auth, body: form });
					},
					async api(path) {
						return (await loopbackFetch(`${dev.api}${path}`, { headers: auth })).json();
					},
				};
			},
		};
	}, 90_000);
	afterAll(async () => {
		if (process.env.FERRY_TEST_PLATFORM_LOG)
			console.log(
				platform?.dev
					.output()
					.split("\n")
					.filter((l) => l.startsWith("[ferry]"))
					.join("\n"),
			);
		await platform?.dev.stop();
	});
	return () => platform;
}

export interface Client {
	call(
		method: string,
		path: string,
		init?: { token?: string; json?: unknown; body?: RequestInit["body"]; headers?: Record<string, string> },
	): Promise<Response>;
	newTenant(name: string): Promise<{ id: string; token: string }>;
	deploy(token: string, script: string, source: string, headers?: Record<string, string>): Promise<Response>;
	deployments(token: string, script: string): Promise<DeploymentView[]>;
	live(token: string, script: string): Promise<string | null>;
	/** The body of a 200 from the label's host (at `path`, e.g. "?x=1"), else the status as text. */
	visit(label: string, path?: string): Promise<string>;
}

export function upload(source: string): FormData {
	const form = new FormData();
	form.set("metadata", JSON.stringify({ main_module: "worker.js", compatibility_date: "2026-11-01" }));
	form.set("worker.js", new File([source], "worker.js", { type: "application/javascript+module" }));
	return form;
}

/** A client of `dev`, read through a getter so that it follows the platform across restarts. */
export function client(dev: () => DevServer): Client {
	const c: Client = {
		call: (method, path, init = {}) => {
			const headers: Record<string, string> = { ...init.headers };
			if (init.token) headers.authorization = `Bearer ${init.token}`;
			let body = init.body;
			if (init.json !== undefined) {
				headers["content-type"] = "application/json";
				body = JSON.stringify(init.json);
			}
			// A streamed body needs half-duplex in Node's fetch.
			const duplex = body instanceof ReadableStream ? { duplex: "half" } : {};
			return loopbackFetch(`${dev().api}${path}`, { method, headers, body, ...duplex } as RequestInit);
		},
		async newTenant(name) {
			const res = await c.call("POST", "/v1/tenants", { token: ADMIN, json: { name } });
			if (res.status !== 201) throw new Error(`creating tenant ${name}: ${res.status} ${await res.text()}`);
			const body = (await res.json()) as { tenant: { id: string }; token: { token: string } };
			return { id: body.tenant.id, token: body.token.token };
		},
		deploy: (token, script, source, headers) => c.call("PUT", `/v1/scripts/${script}`, { token, body: upload(source), headers }),
		async deployments(token, script) {
			const res = await c.call("GET", `/v1/scripts/${script}/deployments`, { token });
			if (res.status === 404) return [];
			return ((await res.json()) as { deployments: DeploymentView[] }).deployments;
		},
		async live(token, script) {
			const res = await c.call("GET", `/v1/scripts/${script}`, { token });
			if (res.status === 404) return null;
			return ((await res.json()) as { script: { live_deployment_id: string | null } }).script.live_deployment_id;
		},
		visit: async (label, path = "") => {
			const res = await loopbackFetch(`${dev().at(label)}${path}`);
			return res.status === 200 ? res.text() : `${res.status}`;
		},
	};
	return c;
}
