/** Asset uploads as a client makes them (the upload session flow of docs/assets.md), for the workerd tests. */
import { assetHashOfBase64 } from "../../workers/shared/assets/hash";
import { api, json } from "./platform";

export interface AssetFile {
	content: string | Uint8Array;
	/** The part's content type; default from the extension (a few), else none. */
	type?: string;
}

const TYPES: Record<string, string> = {
	html: "text/html; charset=utf-8",
	css: "text/css; charset=utf-8",
	js: "text/javascript; charset=utf-8",
	txt: "text/plain; charset=utf-8",
	json: "application/json",
};

export function base64Of(content: string | Uint8Array): string {
	const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
	let binary = "";
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary);
}

const sizeOf = (content: string | Uint8Array) => (typeof content === "string" ? new TextEncoder().encode(content) : content).byteLength;

export const hashOf = (path: string, content: string | Uint8Array) => assetHashOfBase64(base64Of(content), path);

export function manifestOf(files: Record<string, AssetFile>) {
	return Object.fromEntries(Object.entries(files).map(([path, f]) => [path, { hash: hashOf(path, f.content), size: sizeOf(f.content) }]));
}

/** How the helpers reach the API: the local test platform's by default (another, e.g. ../runtime/platforms.ts). */
export type ApiCall = (path: string, init: RequestInit & { token?: string }) => Promise<Response>;

export function startSession(token: string, script: string, manifest: Record<string, unknown>, call: ApiCall = api) {
	return call(`/v1/scripts/${script}/assets-upload-session`, {
		method: "POST",
		token,
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ manifest }),
	});
}

/** One bucket's upload request, the way wrangler sends it. */
export function uploadBucket(jwt: string, parts: { hash: string; content: string | Uint8Array; type?: string }[], call: ApiCall = api) {
	const form = new FormData();
	for (const part of parts)
		form.append(part.hash, new File([base64Of(part.content)], part.hash, { type: part.type ?? "application/null" }));
	return call("/v1/assets/upload?base64=true", { method: "POST", headers: { authorization: `Bearer ${jwt}` }, body: form });
}

export interface Uploaded {
	/** The completion token. */
	jwt: string;
	/** The hashes the session asked for. */
	uploaded: string[];
}

/** The whole session: manifest, buckets, completion token. */
export async function uploadAssets(
	token: string,
	script: string,
	files: Record<string, AssetFile>,
	call: ApiCall = api,
): Promise<Uploaded> {
	const manifest = manifestOf(files);
	const res = await startSession(token, script, manifest, call);
	if (res.status !== 200) throw new Error(`session: ${res.status} ${await res.text()}`);
	const session = await json<{ jwt: string; buckets: string[][] }>(res);
	const byHash = new Map(Object.entries(files).map(([path, f]) => [manifest[path]!.hash, { ...f, path }]));
	let jwt = session.jwt;
	for (const bucket of session.buckets) {
		const parts = bucket.map((hash) => {
			const file = byHash.get(hash)!;
			return { hash, content: file.content, type: file.type ?? TYPES[file.path.split(".").pop() ?? ""] ?? "application/null" };
		});
		const up = await uploadBucket(session.jwt, parts, call);
		if (up.status !== 201 && up.status !== 202) throw new Error(`bucket: ${up.status} ${await up.text()}`);
		const answer = await json<{ jwt?: string }>(up);
		if (answer.jwt) jwt = answer.jwt;
	}
	return { jwt, uploaded: session.buckets.flat() };
}

/** A deploy's form with assets: modules (optional: none is assets only), the completion token and the config. */
export function deployWithAssets(
	token: string,
	script: string,
	jwt: string,
	options: { worker?: string; config?: Record<string, unknown>; binding?: string; metadata?: Record<string, unknown> } = {},
	call: ApiCall = api,
) {
	const form = new FormData();
	const metadata: Record<string, unknown> = {
		compatibility_date: "2026-11-01",
		assets: { jwt, config: options.config ?? {} },
		...options.metadata,
	};
	if (options.worker !== undefined) {
		metadata.main_module = "index.js";
		if (options.binding) metadata.bindings = [{ type: "assets", name: options.binding }];
		form.append("index.js", new File([options.worker], "index.js", { type: "application/javascript+module" }));
	}
	form.set("metadata", JSON.stringify(metadata));
	return call(`/v1/scripts/${script}`, { method: "PUT", token, body: form });
}
