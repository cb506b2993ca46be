/**
 * The Ferry API as its clients use it, one method per endpoint of docs/api.md: the CLI (over
 * loopback fetch) and the panel (over its service binding) both call through here, so there is one
 * client of the API, whose types are the server's own (./types.ts).
 */
import { NDJSON } from "../http/ndjson.ts";
import { EVENT_STREAM, readEvents } from "../http/sse.ts";
import { NetworkError } from "./errors.ts";
import { type ApiClientOptions, cancelled, errorFromBody, Transport } from "./transport.ts";
import type {
	AllUsageAnswer,
	AssetUploadAnswer,
	AssetUploadSessionAnswer,
	D1QueryAnswer,
	Deployment,
	DeploymentEvent,
	DeployResult,
	EventsAnswer,
	Invocation,
	IssuedToken,
	KvKeysAnswer,
	LogsAnswer,
	MetricsAnswer,
	MetricsTotalsAnswer,
	Plan,
	PlansAnswer,
	ProgressLine,
	Resource,
	ResourcesAnswer,
	RollbackResult,
	SchedulesAnswer,
	Script,
	SecretsAnswer,
	SecretsChangeAnswer,
	Tenant,
	TenantEvent,
	TenantSettings,
	TokenInfo,
	UsageAnswer,
} from "./types.ts";

export type { ApiClientOptions, ApiFetch } from "./transport.ts";

/** What a live events stream delivers (docs/api.md, "Events"). */
export type LiveEvent = { type: "ready" } | { type: "event"; event: TenantEvent };

/** What a live tail delivers (docs/api.md, "Live tail"). */
export type TailEvent =
	| { type: "ready"; max_per_second: number; sampling: number }
	| { type: "invocation"; invocation: Invocation }
	| { type: "skipped"; count: number; reason: "rate" | "sampling" };

const segment = encodeURIComponent;

export interface UploadBody {
	body: NonNullable<RequestInit["body"]>;
	contentType: string;
}

export class FerryApi {
	private readonly http: Transport;

	constructor(options: ApiClientOptions) {
		this.http = new Transport(options);
	}

	get baseUrl(): string {
		return this.http.baseUrl;
	}

	whoami() {
		return this.http.json<{ tenant: Tenant; token: { id: string } }>("GET", "/v1/whoami");
	}

	/** Operator: every tenant, by name. */
	listTenants() {
		return this.http.json<{ tenants: Tenant[] }>("GET", "/v1/tenants");
	}

	/** Operator: a tenant with its plan's limits and its egress allow-list. */
	getTenant(id: string) {
		return this.http.json<TenantSettings>("GET", `/v1/tenants/${segment(id)}`);
	}

	/** Operator: moves a tenant to another plan. */
	setTenantPlan(id: string, plan: string) {
		return this.http.json<{ tenant: { id: string; name: string; plan: string } }>("PUT", `/v1/tenants/${segment(id)}/plan`, {
			json: { plan },
		});
	}

	/** Operator: replaces a tenant's egress allow-list. */
	setTenantEgress(id: string, hosts: string[]) {
		return this.http.json<{ egress: { hosts: string[] } }>("PUT", `/v1/tenants/${segment(id)}/egress`, { json: { hosts } });
	}

	/** Operator: creates or replaces a plan. */
	putPlan(name: string, limits: { cpu_ms: number; sub_requests: number; requests_budget?: number | null; cpu_ms_budget?: number | null }) {
		return this.http.json<{ plan: Plan }>("PUT", `/v1/plans/${segment(name)}`, { json: limits });
	}

	createTenant(name: string, plan: string | undefined) {
		return this.http.json<{ tenant: Tenant; token: IssuedToken }>("POST", "/v1/tenants", { json: { name, plan } });
	}

	/** Operator: the plans and the default limits. */
	listPlans() {
		return this.http.json<PlansAnswer>("GET", "/v1/plans");
	}

	createToken(name: string | undefined) {
		return this.http.json<{ token: IssuedToken }>("POST", "/v1/tokens", { json: { name } });
	}

	listTokens() {
		return this.http.json<{ tokens: TokenInfo[] }>("GET", "/v1/tokens");
	}

	revokeToken(id: string) {
		return this.http.json<{ token: { id: string; name: string; revoked_at: string } }>("DELETE", `/v1/tokens/${segment(id)}`);
	}

	listScripts() {
		return this.http.json<{ scripts: Script[] }>("GET", "/v1/scripts");
	}

	getScript(name: string) {
		return this.http.json<{ script: Script }>("GET", `/v1/scripts/${segment(name)}`);
	}

	deleteScript(name: string) {
		return this.http.json<{ script: { name: string; deleted_at: string } }>("DELETE", `/v1/scripts/${segment(name)}`);
	}

	listDeployments(script: string, limit: number) {
		return this.http.json<{ deployments: Deployment[] }>("GET", `/v1/scripts/${segment(script)}/deployments?limit=${limit}`);
	}

	/** A script's invocation records, newest first; `filters` are the query parameters of docs/api.md, "Logs". */
	scriptLogs(script: string, filters: Record<string, string | undefined>) {
		return this.http.json<LogsAnswer>("GET", `/v1/scripts/${segment(script)}/logs${queryString(filters)}`);
	}

	/** A script's metrics per step (docs/api.md, "Metrics"): `since`, `until`, `step`, `deployment`. */
	scriptMetrics(script: string, query: Record<string, string | undefined>) {
		return this.http.json<MetricsAnswer>("GET", `/v1/scripts/${segment(script)}/metrics${queryString(query)}`);
	}

	/** Each of the caller's scripts' requests and errors from `since` (default: a day ago) to `until` (docs/api.md, "Metrics"). */
	metricsTotals(query: { since?: string; until?: string }) {
		return this.http.json<MetricsTotalsAnswer>("GET", `/v1/metrics${queryString(query)}`);
	}

	/** What the caller's scripts used in a month (default: this one). */
	usage(month: string | undefined) {
		return this.http.json<UsageAnswer>("GET", `/v1/usage${queryString({ month })}`);
	}

	/** Operator: every tenant's use in a month. */
	allUsage(month: string | undefined) {
		return this.http.json<AllUsageAnswer>("GET", `/v1/usage${queryString({ month })}`);
	}

	/** A script's live tail as the API's event stream itself, for a caller that passes it on (the panel). */
	async tailStream(script: string, filters: Record<string, string | undefined>): Promise<ReadableStream<Uint8Array>> {
		const response = await this.http.call("GET", `/v1/scripts/${segment(script)}/tail${queryString(filters)}`, {
			headers: { accept: EVENT_STREAM },
		});
		return response.body!;
	}

	/**
	 * A script's live tail: its invocations as they happen, until the caller's signal aborts (then
	 * CancelledError) or the platform ends it (NetworkError). `filters` as for scriptLogs, without the
	 * time range, plus `sampling`.
	 */
	async *tail(script: string, filters: Record<string, string | undefined>): AsyncGenerator<TailEvent> {
		const path = `/v1/scripts/${segment(script)}/tail${queryString(filters)}`;
		const request = this.http.request("GET", path);
		const response = await this.http.call("GET", path, { headers: { accept: EVENT_STREAM } });
		try {
			for await (const { event, data } of readEvents(response.body!)) {
				const value = JSON.parse(data) as Record<string, unknown>;
				if (event === "invocation") yield { type: "invocation", invocation: value as unknown as Invocation };
				else if (event === "ready" || event === "skipped") yield { type: event, ...value } as TailEvent;
			}
		} catch (error) {
			if (this.http.signal.aborted) throw cancelled(request);
			throw new NetworkError(request, "the tail broke off (the platform dropped it or restarted)", { cause: error });
		}
		if (this.http.signal.aborted) throw cancelled(request);
		throw new NetworkError(request, "the platform ended the tail");
	}

	/** The tenant's events, newest first (docs/api.md, "Events"): `type`, `script`, `since`, `cursor`, `limit`. */
	events(filters: Record<string, string | undefined>) {
		return this.http.json<EventsAnswer>("GET", `/v1/events${queryString(filters)}`);
	}

	/**
	 * The tenant's events as they happen (`type`, `script`), until the caller's signal aborts (then
	 * CancelledError) or the platform ends the stream (NetworkError).
	 */
	async *liveEvents(filters: Record<string, string | undefined>): AsyncGenerator<LiveEvent> {
		const path = `/v1/events${queryString(filters)}`;
		const request = this.http.request("GET", path);
		const response = await this.http.call("GET", path, { headers: { accept: EVENT_STREAM } });
		try {
			for await (const { event, data } of readEvents(response.body!)) {
				if (event === "event") yield { type: "event", event: JSON.parse(data) as TenantEvent };
				else if (event === "ready") yield { type: "ready" };
			}
		} catch (error) {
			if (this.http.signal.aborted) throw cancelled(request);
			throw new NetworkError(request, "the events stream broke off (the platform dropped it or restarted)", { cause: error });
		}
		if (this.http.signal.aborted) throw cancelled(request);
		throw new NetworkError(request, "the platform ended the events stream");
	}

	/** A script's cron triggers, each with its last run (docs/cron.md). */
	listSchedules(script: string) {
		return this.http.json<SchedulesAnswer>("GET", `/v1/scripts/${segment(script)}/schedules`);
	}

	/** Replaces a script's cron triggers (Cloudflare's shape: `[{cron}]`). */
	setSchedules(script: string, crons: readonly string[]) {
		return this.http.json<SchedulesAnswer>("PUT", `/v1/scripts/${segment(script)}/schedules`, {
			json: crons.map((cron) => ({ cron })),
		});
	}

	getDeployment(id: string) {
		return this.http.json<{ deployment: Deployment }>("GET", `/v1/deployments/${segment(id)}`);
	}

	/** A script's secrets: names, types and times, never values. */
	listSecrets(script: string) {
		return this.http.json<SecretsAnswer>("GET", `/v1/scripts/${segment(script)}/secrets`);
	}

	/** Sets one secret; the answer has the deployment that carries it (null: the script has no live deployment). */
	putSecret(script: string, name: string, text: string) {
		return this.http.json<SecretsChangeAnswer>("PUT", `/v1/scripts/${segment(script)}/secrets`, {
			json: { name, text, type: "secret_text" },
		});
	}

	/** Sets (a string) and deletes (null) several secrets in one change: one deployment. */
	patchSecrets(script: string, secrets: Record<string, string | null>) {
		return this.http.json<SecretsChangeAnswer>("PATCH", `/v1/scripts/${segment(script)}/secrets`, { json: { secrets } });
	}

	deleteSecret(script: string, name: string) {
		return this.http.json<SecretsChangeAnswer>("DELETE", `/v1/scripts/${segment(script)}/secrets/${segment(name)}`);
	}

	rollback(script: string, deploymentId: string | undefined) {
		return this.http.json<RollbackResult>("POST", `/v1/scripts/${segment(script)}/rollback`, {
			json: deploymentId ? { deployment_id: deploymentId } : {},
		});
	}

	/** The tenant's resources (KV namespaces, R2 buckets, D1 databases) with their sizes where the platform keeps the data, and its scripts' Durable Object classes. */
	listResources() {
		return this.http.json<ResourcesAnswer>("GET", "/v1/resources");
	}

	/** Deletes one of the tenant's resources and all its data. */
	deleteResource(type: Resource["type"], name: string) {
		return this.http.json<{ deleted: { type: string; name: string } }>("DELETE", `/v1/resources/${segment(type)}/${segment(name)}`);
	}

	/** Runs SQL on one of the tenant's D1 databases (`ferry d1 execute`). */
	d1Query(database: string, sql: string) {
		return this.http.json<D1QueryAnswer>("POST", `/v1/d1/${segment(database)}/query`, { json: { sql } });
	}

	kvKeys(namespace: string, query: { prefix?: string; cursor?: string; limit?: string }) {
		return this.http.json<KvKeysAnswer>("GET", `/v1/kv/${segment(namespace)}/keys${queryString(query)}`);
	}

	/** A key's value, as bytes. */
	async kvGet(namespace: string, key: string): Promise<Uint8Array> {
		const response = await this.http.call("GET", `/v1/kv/${segment(namespace)}/values/${segment(key)}`);
		return new Uint8Array(await response.arrayBuffer());
	}

	kvPut(namespace: string, key: string, value: Uint8Array, options: { expiration?: string; expiration_ttl?: string; metadata?: string }) {
		return this.http.json<{ key: string; bytes: number }>(
			"PUT",
			`/v1/kv/${segment(namespace)}/values/${segment(key)}${queryString(options)}`,
			{
				body: value,
				headers: { "content-type": "application/octet-stream" },
			},
		);
	}

	kvDelete(namespace: string, key: string) {
		return this.http.json<{ deleted: string }>("DELETE", `/v1/kv/${segment(namespace)}/values/${segment(key)}`);
	}

	/** An R2 object's bytes and its HTTP metadata headers (content-type, …). */
	async r2Get(bucket: string, key: string): Promise<{ bytes: Uint8Array; headers: Headers }> {
		const response = await this.http.call("GET", `/v1/r2/${segment(bucket)}/objects/${segment(key)}`);
		return { bytes: new Uint8Array(await response.arrayBuffer()), headers: response.headers };
	}

	/** Writes an R2 object; `headers` carry its HTTP metadata (content-type, cache-control, …). */
	r2Put(bucket: string, key: string, value: Uint8Array, headers: Record<string, string>) {
		return this.http.json<{ key: string; size: number; etag: string | null }>("PUT", `/v1/r2/${segment(bucket)}/objects/${segment(key)}`, {
			body: value,
			headers: { "content-type": "application/octet-stream", ...headers },
		});
	}

	r2Delete(bucket: string, key: string) {
		return this.http.json<{ deleted: string }>("DELETE", `/v1/r2/${segment(bucket)}/objects/${segment(key)}`);
	}

	/** Starts an asset upload session: which of these files the platform lacks (docs/assets.md). */
	assetUploadSession(script: string, manifest: Record<string, { hash: string; size: number }>) {
		return this.http.json<AssetUploadSessionAnswer>("POST", `/v1/scripts/${segment(script)}/assets-upload-session`, { json: { manifest } });
	}

	/** Uploads one bucket of a session, authenticated by the session's token (not the tenant's). */
	uploadAssetBucket(jwt: string, form: FormData) {
		return this.http.json<AssetUploadAnswer>("POST", "/v1/assets/upload?base64=true", {
			body: form,
			headers: { authorization: `Bearer ${jwt}` },
		});
	}

	/**
	 * Uploads a deployment and follows it: `onEvent` hears each state as the platform stores it (the
	 * streamed answer). A deployment that ends in Error throws the API's `deployment_failed`.
	 */
	async deploy(script: string, upload: UploadBody, onEvent: (event: DeploymentEvent & { deployment_id: string }) => void) {
		const path = `/v1/scripts/${segment(script)}`;
		const request = this.http.request("PUT", path);
		const response = await this.http.call("PUT", path, {
			body: upload.body,
			headers: { "content-type": upload.contentType, accept: `${NDJSON}, application/json;q=0.5` },
		});
		// An API without streaming answers with the plain body: no progress, same result.
		if (!response.headers.get("content-type")?.startsWith(NDJSON)) return (await response.json()) as DeployResult;
		let last: unknown;
		try {
			for await (const line of jsonLines(response.body!)) {
				if (isProgress(line)) onEvent(line.event);
				else last = line;
			}
		} catch (error) {
			if (this.http.signal.aborted) throw cancelled(request);
			throw new NetworkError(request, "the answer broke off before the deployment finished", { cause: error });
		}
		if (last === undefined) throw new NetworkError(request, "the answer ended before the deployment finished");
		if (typeof last === "object" && last !== null && "error" in last) throw errorFromBody(last, request);
		return last as DeployResult;
	}
}

/** `?a=1&b=2` of the parameters that are set; empty when none is. */
export function queryString(parameters: Record<string, string | undefined>): string {
	const set = Object.entries(parameters).filter((entry): entry is [string, string] => entry[1] !== undefined);
	return set.length === 0 ? "" : `?${new URLSearchParams(set).toString()}`;
}

const isProgress = (line: unknown): line is ProgressLine => typeof line === "object" && line !== null && "event" in line;

/** The JSON documents of an NDJSON body, one per line, as they arrive. */
async function* jsonLines(body: ReadableStream<Uint8Array>): AsyncGenerator<unknown> {
	const decoder = new TextDecoder();
	let buffered = "";
	for await (const chunk of body) {
		buffered += decoder.decode(chunk, { stream: true });
		for (let newline = buffered.indexOf("\n"); newline !== -1; newline = buffered.indexOf("\n")) {
			const line = buffered.slice(0, newline).trim();
			buffered = buffered.slice(newline + 1);
			if (line) yield JSON.parse(line);
		}
	}
	if (buffered.trim()) yield JSON.parse(buffered);
}
