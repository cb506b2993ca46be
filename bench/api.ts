/**
 * The control plane as the benchmark uses it: the CLI's own API client (workers/shared/api-client/) and upload
 * encoding (cli/src/deploy/upload.ts), so scripts are deployed exactly as `ferry deploy` sends them.
 */

import { encodeUpload } from "../cli/src/deploy/upload.ts";
import type { Bundle } from "../cli/src/project/bundle.ts";
import { loopbackFetch } from "../loopback/index.ts";
import { FerryApi } from "../workers/shared/api-client/index.ts";
import { COMPATIBILITY_DATE, helloWorker, secretsHelloWorker, wasiHello } from "./hello.ts";

export const apiUrl = (port: number): string => `http://api.localhost:${port}`;

/** A new tenant (admin token) and a client holding its token. */
export async function createTenant(port: number, adminToken: string, name: string): Promise<{ api: FerryApi; token: string }> {
	const admin = new FerryApi({ baseUrl: apiUrl(port), token: adminToken, fetch: loopbackFetch });
	const { token } = await admin.createTenant(name, undefined);
	return { api: tenantApi(port, token.token), token: token.token };
}

export const tenantApi = (port: number, token: string): FerryApi => new FerryApi({ baseUrl: apiUrl(port), token, fetch: loopbackFetch });

export const jsBundle = (name: string, text?: string): Bundle => ({
	name,
	metadata: { main_module: "worker.js", compatibility_date: COMPATIBILITY_DATE },
	modules: [{ name: "worker.js", type: "application/javascript+module", bytes: new TextEncoder().encode(helloWorker(text)) }],
});

/** The hello world that reads its secrets (set after its deploy: SECRETS in hello.ts). */
export const secretsBundle = (name: string): Bundle => ({
	name,
	metadata: { main_module: "worker.js", compatibility_date: COMPATIBILITY_DATE },
	modules: [{ name: "worker.js", type: "application/javascript+module", bytes: new TextEncoder().encode(secretsHelloWorker()) }],
});

/** examples/wagi-hello with the API's `"wasi": "wagi"` metadata (docs/wasm.md). */
export const wasiBundle = (name: string): Bundle => ({
	name,
	metadata: { wasi: "wagi", compatibility_date: COMPATIBILITY_DATE },
	modules: [{ name: "hello.wasm", type: "application/wasm", bytes: wasiHello() }],
});

/** Uploads and waits until the deployment is Deployed (a failed deployment throws). Returns its id. */
export async function deploy(api: FerryApi, bundle: Bundle): Promise<string> {
	const upload = await encodeUpload(bundle);
	const result = await api.deploy(bundle.name, { body: upload.bytes, contentType: upload.contentType }, () => {});
	return result.deployment.id;
}
