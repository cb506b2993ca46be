/**
 * The reliability tests' client for a real local platform (`npm run dev` in its own process group,
 * test/e2e/dev-server.ts), over real HTTP on *.localhost.
 */
import { loopbackFetch } from "../../loopback/index.ts";
import type { DeploymentView } from "../../workers/api/src/views.ts";
import type { DevServer } from "../e2e/dev-server.ts";

export const ADMIN = "reliability-admin-token";

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

export const hello = (text: string) => `export default { fetch: () => new Response(${JSON.stringify(text)}) };`;

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
