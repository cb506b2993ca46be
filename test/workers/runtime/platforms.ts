/**
 * The platform (API + dispatcher, real D1/R2/Worker Loader) configured for one runtime, driven the way
 * clients drive it. Both variants run the real pipeline, publisher, dispatcher and runtime adapter;
 * they differ only in RUNTIME and what it brings:
 *
 *   worker-loader       the local runtime (the test Worker's own env), with the LOADER binding watched
 *                       so tests can see the limits the adapter passed.
 *   dispatch-namespace  production's: the dispatch-namespace publisher uploads to the fake Cloudflare API
 *                       (test/support/cloudflare-api/), the dispatcher runs what was uploaded through
 *                       the stand-in namespace (../cloudflare/dispatch-namespace.ts).
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { inject } from "vitest";
import dispatcher from "../../../dispatch/src/index";
import { app } from "../../../workers/api/src/app";
import type { RouteControlApi } from "../../../workers/shared/runtime/route";
import { FakeCloudflareApi } from "../../support/cloudflare-api/control";
import { FakeDispatchNamespace } from "../cloudflare/dispatch-namespace";
import { ADMIN, type ModuleSpec, uploadForm } from "../platform";

export type RuntimeKind = "worker-loader" | "dispatch-namespace";

export interface Platform {
	runtime: RuntimeKind;
	apiEnv: ApiEnv;
	dispatchEnv: DispatchEnv;
	api(path: string, init?: RequestInit & { token?: string; json?: unknown }): Promise<Response>;
	visit(host: string, path?: string, init?: RequestInit): Promise<Response>;
	deploy(token: string, script: string, modules: ModuleSpec[] | string, metadata?: Record<string, unknown>): Promise<Response>;
	newTenant(): Promise<{ id: string; name: string; token: string }>;
	/** The limits the runtime adapter passed for a deployment's requests, oldest first. */
	limitsPassed(deploymentId: string): unknown[];
}

let tenants = 0;

function drive(runtime: RuntimeKind, apiEnv: ApiEnv, dispatchEnv: DispatchEnv, limitsPassed: Platform["limitsPassed"]): Platform {
	const platform: Platform = {
		runtime,
		apiEnv,
		dispatchEnv,
		async api(path, init = {}) {
			const headers = new Headers(init.headers);
			if (init.token) headers.set("authorization", `Bearer ${init.token}`);
			let body = init.body;
			if (init.json !== undefined) {
				headers.set("content-type", "application/json");
				body = JSON.stringify(init.json);
			}
			const ctx = createExecutionContext();
			const request = new Request(`http://api.localhost:8787${path}`, { ...init, headers, body });
			const response = await app.fetch(request, apiEnv, ctx);
			await waitOnExecutionContext(ctx);
			return response;
		},
		async visit(host, path = "/", init = {}) {
			return dispatcher.fetch(new Request(`http://${host}:8787${path}`, init) as Parameters<typeof dispatcher.fetch>[0], dispatchEnv);
		},
		deploy(token, script, modules, metadata = {}) {
			const list = typeof modules === "string" ? [{ name: "index.js", content: modules }] : modules;
			const main = metadata.main_module ?? list[0]?.name;
			const form = uploadForm(list, { main_module: main, compatibility_date: "2026-11-01", ...metadata });
			return platform.api(`/v1/scripts/${script}`, { method: "PUT", token, body: form });
		},
		async newTenant() {
			const name = `${runtime}-${Date.now().toString(36)}-${tenants++}`;
			const res = await platform.api("/v1/tenants", { method: "POST", token: ADMIN, json: { name } });
			if (res.status !== 201) throw new Error(`creating tenant: ${res.status} ${await res.text()}`);
			const body = (await res.json()) as { tenant: { id: string }; token: { token: string } };
			return { id: body.tenant.id, name, token: body.token.token };
		},
		limitsPassed,
	};
	return platform;
}

/** Wraps the Worker Loader binding to record the limits each entrypoint is asked for; it delegates everything. */
function watchedLoader(loader: WorkerLoader, seen: Map<string, unknown[]>): WorkerLoader {
	const watch = (name: string | null, stub: WorkerStub): WorkerStub => ({
		getEntrypoint: (entrypoint, options) => {
			if (name !== null) seen.set(name, [...(seen.get(name) ?? []), options?.limits]);
			return stub.getEntrypoint(entrypoint, options);
		},
		getDurableObjectClass: (entrypoint, options) => stub.getDurableObjectClass(entrypoint, options),
	});
	return { get: (name, getCode) => watch(name, loader.get(name, getCode)), load: (code) => loader.load(code) };
}

export function workerLoaderPlatform(): Platform {
	const seen = new Map<string, unknown[]>();
	const dispatchEnv: DispatchEnv = { ...env, RUNTIME: "worker-loader", LOADER: watchedLoader(env.LOADER, seen) };
	return drive("worker-loader", { ...env, RUNTIME: "worker-loader" }, dispatchEnv, (id) => seen.get(id) ?? []);
}

/** The fake Cloudflare API this test run talks to (started by vitest's globalSetup). */
const fakeCloudflare = () => new FakeCloudflareApi(inject("cloudflareApi"));

export interface CloudflarePlatform extends Platform {
	cloudflare: FakeCloudflareApi;
	namespace: FakeDispatchNamespace;
}

/**
 * Production's runtime. `routeControl` replaces the API's ROUTES binding: on Cloudflare the API reaches
 * one dispatcher isolate, not all of them; a no-op stands for the isolates it cannot reach.
 * `dispatchDb` replaces the dispatcher's D1 binding (a test counting its reads).
 */
export function cloudflarePlatform(options: { routeControl?: RouteControlApi; dispatchDb?: D1Database } = {}): CloudflarePlatform {
	const cloudflare = fakeCloudflare();
	const { url, accountId, apiToken } = cloudflare.info;
	const namespace = new FakeDispatchNamespace(cloudflare, env.LOADER);
	const apiEnv: ApiEnv = {
		...env,
		RUNTIME: "dispatch-namespace",
		CLOUDFLARE_API_URL: url,
		CLOUDFLARE_ACCOUNT_ID: accountId,
		CLOUDFLARE_API_TOKEN: apiToken,
		// What the API's production config names; the fake holds only the one the dispatcher's binds.
		DISPATCH_NAMESPACE: inject("apiDispatchNamespace"),
		...(options.routeControl ? { ROUTES: options.routeControl as unknown as ApiEnv["ROUTES"] } : {}),
	};
	const dispatchEnv: DispatchEnv = { ...env, RUNTIME: "dispatch-namespace", DISPATCHER: namespace, DB: options.dispatchDb ?? env.DB };
	const limitsPassed = (id: string) => namespace.calls.filter((c) => c.name === id).map((c) => c.options.limits);
	return { ...drive("dispatch-namespace", apiEnv, dispatchEnv, limitsPassed), cloudflare, namespace };
}
