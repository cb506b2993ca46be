/**
 * The dispatcher's static assets: a deployment's files are served before or after its Worker as
 * Cloudflare's router-worker decides (workers-sdk packages/workers-shared/router-worker, ported
 * here: run_worker_first true / false / patterns, then "can the assets answer?"), and with the
 * asset-worker's semantics (./handler.ts). The Worker's `env.ASSETS.fetch()` reaches the same
 * asset side through the FerryAssets entrypoint (./entrypoint.ts).
 *
 * A warm request reads nothing but the file: the deployment's asset manifest is in this isolate's
 * memory (loaded from the AssetStore once, deployments are immutable), the decision is synchronous,
 * and the body streams from the store. A 304 or a HEAD reads nothing at all. Small files (up to
 * SMALL_FILE_BYTES) are kept in memory after their first read, by tenant and hash: their bytes never
 * change, and a store read costs more than the file itself.
 */

import type { AssetRouting, DeploymentAssets } from "../../../workers/shared/assets/manifest";
import type { AssetStore } from "../../../workers/shared/assets/store";
import { BoundedMap } from "../../../workers/shared/bounded-map";
import type { MaybePromise } from "../../../workers/shared/maybe-promise";
import type { RouteTarget } from "../../../workers/shared/runtime/route";
import { assetOutcome, canFetch, type Exists, type Outcome } from "./handler";

/** A deployment's assets as the dispatcher holds them. */
export interface LoadedAssets {
	tenantId: string;
	routing: AssetRouting;
	/** Decoded path → hash. */
	files: ReadonlyMap<string, string>;
	/** Hash → content type (null: none) and size. */
	blobs: ReadonlyMap<string, { contentType: string | null; size: number }>;
	/** run_worker_first patterns, compiled: `/api/*` runs the Worker first, `!/api/docs/*` the assets. */
	workerFirst: readonly RegExp[];
	assetsFirst: readonly RegExp[];
}

/** The store said a file of the manifest is not there: the platform's fault, never the tenant's. */
export class MissingAssetError extends Error {
	override name = "MissingAssetError";
}

/** Cloudflare's browser caching of assets: always revalidate (the ETag makes that a 304). */
const CACHE_CONTROL = "public, max-age=0, must-revalidate";
/** Manifests in memory: bounded by files in all (a 20,000-file site is a few MB), least recently used first. */
const MAX_FILES_CACHED = 100_000;

const escapeRegex = (text: string) => text.replace(/[-/\\^$*+?.()|[\]{}]/g, "\\$&");
/** workers-shared's generateGlobOnlyRuleRegExp: `*` matches anything, the rest literally, against the encoded path. */
const globRule = (rule: string) => new RegExp(`^${rule.split("*").map(escapeRegex).join(".*")}$`);

export function loadAssets(manifest: DeploymentAssets): LoadedAssets {
	const files = new Map<string, string>();
	const blobs = new Map<string, { contentType: string | null; size: number }>();
	for (const [path, file] of Object.entries(manifest.files)) {
		files.set(path, file.hash);
		blobs.set(file.hash, { contentType: file.content_type, size: file.size });
	}
	const rules = Array.isArray(manifest.routing.run_worker_first) ? manifest.routing.run_worker_first : [];
	return {
		tenantId: manifest.tenantId,
		routing: manifest.routing,
		files,
		blobs,
		workerFirst: rules.filter((r) => r.startsWith("/")).map(globRule),
		assetsFirst: rules.filter((r) => r.startsWith("!/")).map((r) => globRule(r.slice(1))),
	};
}

const cache = new BoundedMap<string, LoadedAssets>({ maxEntries: 1_000, maxWeight: MAX_FILES_CACHED, weigh: (a) => a.files.size + 1 });
/** Files up to this size are kept in memory once read; larger ones stream from the store on every request. */
export const SMALL_FILE_BYTES = 64 * 1024;
/** Small files' bytes by tenant and hash: 16 MiB in all, least recently used first. */
const smallFiles = new BoundedMap<string, Uint8Array>({ maxEntries: 10_000, maxWeight: 16 * 1024 * 1024, weigh: (b) => b.byteLength });
/** Loads in flight, so that a burst of first requests reads the manifest once. */
const loading = new Map<string, Promise<LoadedAssets>>();

/** Drops a deployment's manifest from this isolate's cache (tests use it to tell a cached one from a read). */
export const forgetCachedAssets = (deploymentId: string) => cache.delete(deploymentId);

export class AssetServer {
	constructor(private readonly store: AssetStore) {}

	/** The deployment's assets: the cached ones as a plain value, else a read of its manifest. */
	assets(deploymentId: string): MaybePromise<LoadedAssets> {
		const cached = cache.get(deploymentId);
		if (cached) return cached;
		let load = loading.get(deploymentId);
		if (!load) {
			load = this.store
				.deploymentAssets(deploymentId)
				.then((manifest) => {
					const loaded = loadAssets(manifest);
					cache.set(deploymentId, loaded);
					return loaded;
				})
				.finally(() => loading.delete(deploymentId));
			loading.set(deploymentId, load);
		}
		return load;
	}

	/** Reads a deployment's manifest ahead of its first request (after a route moved to it). */
	async prepare(deploymentId: string): Promise<void> {
		await this.assets(deploymentId);
	}

	/**
	 * A request to a deployment with assets: to the Worker (`runWorker`) or to the assets, as the
	 * router-worker decides. An assets-only deployment never runs a Worker.
	 */
	route(target: RouteTarget, request: Request, runWorker: () => Promise<Response>): MaybePromise<Response> {
		const assets = this.assets(target.deploymentId);
		if (assets instanceof Promise) return assets.then((loaded) => this.routeLoaded(loaded, request, runWorker));
		return this.routeLoaded(assets, request, runWorker);
	}

	/** The asset side alone (the asset-worker's fetch): what `env.ASSETS.fetch()` answers. */
	fetch(deploymentId: string, request: Request): MaybePromise<Response> {
		const assets = this.assets(deploymentId);
		if (assets instanceof Promise) return assets.then((loaded) => this.serve(loaded, request));
		return this.serve(assets, request);
	}

	private routeLoaded(assets: LoadedAssets, request: Request, runWorker: () => Promise<Response>): MaybePromise<Response> {
		const { routing } = assets;
		if (!routing.has_worker) return this.serve(assets, request);
		const { pathname } = new URL(request.url);
		const hasStaticRouting = Array.isArray(routing.run_worker_first);
		if (hasStaticRouting) {
			if (assets.assetsFirst.some((rule) => rule.test(pathname))) return this.serve(assets, request);
			if (assets.workerFirst.some((rule) => rule.test(pathname))) return runWorker();
		} else if (routing.run_worker_first === true) return runWorker();
		const exists = existsIn(assets);
		const navigating = request.headers.get("sec-fetch-mode") === "navigate";
		return canFetch(request.method.toUpperCase(), pathname, routing, hasStaticRouting, navigating, exists)
			? this.serve(assets, request)
			: runWorker();
	}

	private serve(assets: LoadedAssets, request: Request): MaybePromise<Response> {
		const url = new URL(request.url);
		const method = request.method.toUpperCase();
		const outcome = assetOutcome(method, url.pathname, url.search, assets.routing, existsIn(assets));
		return respond(outcome, assets, request, method, this.store);
	}
}

const existsIn =
	(assets: LoadedAssets): Exists =>
	(path) =>
		assets.files.get(path) ?? null;

function respond(outcome: Outcome, assets: LoadedAssets, request: Request, method: string, store: AssetStore): MaybePromise<Response> {
	switch (outcome.kind) {
		case "none":
			return new Response(null, { status: 404, statusText: "Not Found" });
		case "method-not-allowed":
			return new Response(null, { status: 405, statusText: "Method Not Allowed" });
		case "redirect":
			return new Response(null, { status: 307, statusText: "Temporary Redirect", headers: { location: outcome.location } });
		case "asset":
			break;
	}
	const { eTag, status } = outcome;
	const headers = new Headers({ etag: `"${eTag}"` });
	const blob = assets.blobs.get(eTag);
	if (blob?.contentType) headers.set("content-type", blob.contentType);
	if (!request.headers.has("authorization") && !request.headers.has("range")) headers.set("cache-control", CACHE_CONTROL);
	const ifNoneMatch = request.headers.get("if-none-match") ?? "";
	if (ifNoneMatch === `"${eTag}"` || ifNoneMatch === `W/"${eTag}"`)
		return new Response(null, { status: 304, statusText: "Not Modified", headers });
	if (method === "HEAD") return new Response(null, { status, headers });
	const key = `${assets.tenantId}/${eTag}`;
	const cached = smallFiles.get(key);
	if (cached) return new Response(cached, { status, headers });
	return store.blob(assets.tenantId, eTag).then(async (body) => {
		if (!body) throw new MissingAssetError(`asset ${eTag} of tenant ${assets.tenantId} is in a manifest but not in the store`);
		if ((blob?.size ?? Number.POSITIVE_INFINITY) > SMALL_FILE_BYTES) return new Response(body, { status, headers });
		const bytes = new Uint8Array(await new Response(body).arrayBuffer());
		smallFiles.set(key, bytes);
		return new Response(bytes, { status, headers });
	});
}
