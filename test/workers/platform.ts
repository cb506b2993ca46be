/**
 * Drives the platform inside workerd the way clients do: the API through its fetch handler on
 * api.localhost, the dispatcher through its fetch handler on <label>.localhost.
 */
import { env, exports } from "cloudflare:workers";
import dispatcher from "../../dispatch/src/index";

export const ADMIN = "test-admin-token";

export async function api(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
	const headers = new Headers(init.headers);
	if (init.token) headers.set("authorization", `Bearer ${init.token}`);
	return exports.default.fetch(new Request(`http://api.localhost:8787${path}`, { ...init, headers }));
}

// biome-ignore lint/suspicious/noExplicitAny: each test reads the fields it asserts on from an API answer
export async function json<T = any>(response: Response): Promise<T> {
	return (await response.json()) as T;
}

/** A request to a hostname served by the dispatcher. */
export async function visit(host: string, path = "/", init: RequestInit = {}): Promise<Response> {
	// The handler is typed for incoming requests (with `cf`); a constructed one lacks it.
	return dispatcher.fetch(new Request(`http://${host}:8787${path}`, init) as Parameters<typeof dispatcher.fetch>[0], env);
}

let tenants = 0;
/** A fresh tenant and its first token. */
export async function newTenant(prefix = "tenant"): Promise<{ id: string; name: string; token: string }> {
	const name = `${prefix}-${Date.now().toString(36)}-${tenants++}`;
	const res = await api("/v1/tenants", {
		method: "POST",
		token: ADMIN,
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ name }),
	});
	if (res.status !== 201) throw new Error(`creating tenant: ${res.status} ${await res.text()}`);
	const body = await json(res);
	return { id: body.tenant.id, name, token: body.token.token };
}

export interface ModuleSpec {
	name: string;
	content: string | Uint8Array;
	type?: string;
}

export function uploadForm(modules: ModuleSpec[], metadata: Record<string, unknown>): FormData {
	const form = new FormData();
	form.set("metadata", JSON.stringify(metadata));
	for (const m of modules) form.append(m.name, new File([m.content], m.name, { type: m.type ?? "application/javascript+module" }));
	return form;
}

export function deploy(token: string, script: string, modules: ModuleSpec[] | string, metadata: Record<string, unknown> = {}) {
	const list = typeof modules === "string" ? [{ name: "index.js", content: modules }] : modules;
	const main = metadata.main_module ?? list[0]?.name;
	return api(`/v1/scripts/${script}`, {
		method: "PUT",
		token,
		body: uploadForm(list, { main_module: main, compatibility_date: "2026-11-01", ...metadata }),
	});
}

/** A worker that answers with `text`. */
export const hello = (text: string) => `export default { fetch() { return new Response(${JSON.stringify(text)}); } };`;

let scripts = 0;
export const uniqueName = (prefix = "s") => `${prefix}-${Date.now().toString(36)}-${scripts++}`;
