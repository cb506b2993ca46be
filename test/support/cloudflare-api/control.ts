/**
 * The fake Cloudflare API's test-only control surface, under `/__fake__/` (never part of Cloudflare's
 * API): what tests use to script failures and to read back what the fake received. Runtime-neutral
 * (plain fetch), so workerd tests and Node tests share it.
 */

declare module "vitest" {
	export interface ProvidedContext {
		cloudflareApi: FakeCloudflareApiInfo;
		/** `DISPATCH_NAMESPACE` of the API's production config (workers/api/wrangler.toml). */
		apiDispatchNamespace: string;
	}
}

/** What vitest's globalSetup provides to every test (see ./global-setup.ts). */
export interface FakeCloudflareApiInfo {
	/** The API base URL, standing in for https://api.cloudflare.com/client/v4. */
	url: string;
	accountId: string;
	apiToken: string;
	/** The account's one dispatch namespace: the one the dispatcher's production config binds. */
	namespace: string;
}

/** One answer the fake plays back instead of handling a matching request. */
export interface ScriptedResponse {
	status: number;
	headers?: Record<string, string>;
	/** Sent as JSON; a string is sent as is (e.g. an HTML error page from a proxy). */
	body?: unknown;
}

export interface FailureRule {
	method: "PUT" | "DELETE";
	/** Matches uploads whose metadata `tags` hold this tag, and deletes by tag whose filter asks for it (`?tags=<tag>:yes`). */
	tag?: string;
	/** Matches requests for this namespace script. */
	script?: string;
	/** Played back in order, one per matching request; then requests are handled normally again. */
	responses: ScriptedResponse[];
}

export interface RecordedPart {
	name: string;
	/** The part's Content-Type ('' for a plain form field). */
	type: string;
	filename: string | null;
	size: number;
}

export interface RecordedRequest {
	method: string;
	path: string;
	/** The query string, with its `?` ('' when there is none). */
	query: string;
	/** The namespace script the path names, if it names one. */
	script: string | null;
	authorization: string | null;
	contentType: string | null;
	parts: RecordedPart[];
	metadata: unknown;
	tags: string[];
	status: number;
	at: number;
}

export interface StoredModule {
	name: string;
	type: string;
	base64: string;
}

export interface StoredScript {
	name: string;
	etag: string;
	metadata: {
		main_module?: string;
		compatibility_date: string;
		compatibility_flags?: string[];
		bindings?: (
			| { type: string; name: string; text: string }
			| { type: "json"; name: string; json: unknown }
			| { type: "assets"; name: string }
			| { type: "kv_namespace"; name: string; namespace_id: string }
			| { type: "r2_bucket"; name: string; bucket_name: string }
			| { type: "d1"; name: string; id: string }
			| { type: "durable_object_namespace"; name: string; class_name: string; script_name?: string }
		)[];
		migrations?: Record<string, unknown>;
		tags?: string[];
		limits?: { cpu_ms?: number; subrequests?: number };
		assets?: { jwt: string; config?: Record<string, unknown> };
	};
	/** The handlers of its default export, as the upload's answer listed them. */
	handlers: string[];
	modules: StoredModule[];
	/** Path → Cloudflare hash of the script's assets, or null. */
	assets: Record<string, string> | null;
}

export class FakeCloudflareApi {
	readonly info: FakeCloudflareApiInfo;

	constructor(info: FakeCloudflareApiInfo) {
		this.info = info;
	}

	private control(path: string, init?: RequestInit) {
		return fetch(`${new URL(this.info.url).origin}/__fake__${path}`, init);
	}

	/** Makes the next matching requests answer with `responses` (Cloudflare's error shapes). */
	async fail(rule: FailureRule): Promise<void> {
		const res = await this.control("/failures", { method: "POST", body: JSON.stringify(rule) });
		if (!res.ok) throw new Error(`fake Cloudflare API: ${res.status} ${await res.text()}`);
	}

	/** A new token for the account with its own rate limit (the configured one has Cloudflare's). */
	async token(policy: { quota: number; windowSeconds: number }): Promise<string> {
		const res = await this.control("/tokens", { method: "POST", body: JSON.stringify(policy) });
		return ((await res.json()) as { token: string }).token;
	}

	/** The requests the fake received, oldest first, for a tag or a namespace script. */
	async requests(filter: { tag?: string; script?: string }): Promise<RecordedRequest[]> {
		const res = await this.control(`/requests?${new URLSearchParams(filter as Record<string, string>)}`);
		return ((await res.json()) as { requests: RecordedRequest[] }).requests;
	}

	/** A script as stored in a namespace (default: the configured one), or null. */
	async script(name: string, namespace = this.info.namespace): Promise<StoredScript | null> {
		const res = await this.control(`/accounts/${this.info.accountId}/namespaces/${namespace}/scripts/${name}`);
		if (res.status === 404) return null;
		return ((await res.json()) as { script: StoredScript }).script;
	}

	/** An asset the account holds, by (Cloudflare) hash, or null. */
	async asset(hash: string): Promise<{ base64: string; contentType: string | null } | null> {
		const res = await this.control(`/accounts/${this.info.accountId}/assets/${hash}`);
		if (res.status === 404) return null;
		return ((await res.json()) as { asset: { base64: string; contentType: string | null } }).asset;
	}

	/** The account's KV namespaces, as its list endpoint answers (first 100). */
	async kvNamespaces(): Promise<{ id: string; title: string }[]> {
		const res = await fetch(`${this.info.url}/accounts/${this.info.accountId}/storage/kv/namespaces?per_page=100`, {
			headers: { authorization: `Bearer ${this.info.apiToken}` },
		});
		return ((await res.json()) as { result: { id: string; title: string }[] }).result;
	}

	/** The account's R2 buckets' names, as its list endpoint answers. */
	async r2Buckets(): Promise<string[]> {
		const res = await fetch(`${this.info.url}/accounts/${this.info.accountId}/r2/buckets`, {
			headers: { authorization: `Bearer ${this.info.apiToken}` },
		});
		return ((await res.json()) as { result: { buckets: { name: string }[] } }).result.buckets.map((b) => b.name);
	}

	/** The account's D1 databases (uuid and name), as its list endpoint answers. */
	async d1Databases(): Promise<{ uuid: string; name: string }[]> {
		const res = await fetch(`${this.info.url}/accounts/${this.info.accountId}/d1/database`, {
			headers: { authorization: `Bearer ${this.info.apiToken}` },
		});
		return ((await res.json()) as { result: { uuid: string; name: string }[] }).result;
	}

	/** Names of the scripts in the namespace that carry `tag`. */
	async scriptsTagged(tag: string, namespace = this.info.namespace): Promise<string[]> {
		const res = await this.control(`/accounts/${this.info.accountId}/namespaces/${namespace}/scripts?tag=${encodeURIComponent(tag)}`);
		return ((await res.json()) as { scripts: string[] }).scripts;
	}
}
