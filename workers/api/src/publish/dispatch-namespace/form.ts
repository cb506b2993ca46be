/**
 * A deployment as a Workers script upload: `multipart/form-data` with a `metadata` part and one part
 * per module, named by its module path and typed by its kind as wrangler types it
 * (https://developers.cloudflare.com/workers/configuration/multipart-upload-metadata/; wrangler's
 * `createWorkerUploadForm`).
 */
import { KIND_CONTENT_TYPES, type Manifest, type ManifestModule } from "../../../../shared/deployments/manifest";
import { PLAN_LIMIT_BOUNDS } from "../../../../shared/runtime/plans";
import { TAG_PREFIX } from "../../../../shared/telemetry/tags";
import { TELEMETRY_WORKER } from "../../../../shared/telemetry/worker";
import type { BuiltDeployment } from "../types";
import type { DurableObjectBinding, Migrations } from "./durable-objects";
import type { ResourceBindingMetadata } from "./resources";

/** A binding of a user Worker. Ferry gives tenant code values only: its vars (text or JSON), and secrets when it has them. */
export type TextBinding = { type: "plain_text" | "secret_text"; name: string; text: string };
/** A var that is not a string: a number, boolean, object or array, in `env` as that value (wrangler's `json` binding). */
export type JsonBinding = { type: "json"; name: string; json: unknown };
/** The Worker's static assets, served by Cloudflare for the namespace script (docs/assets.md). */
export type AssetsBinding = { type: "assets"; name: string };

/** The script's assets: the completion token of their upload session (./assets.ts) and their routing. */
export interface ScriptAssets {
	jwt: string;
	config: { html_handling: string; not_found_handling: string; run_worker_first?: boolean | string[] };
}

/** The part of Cloudflare's metadata schema Ferry writes. */
export interface ScriptMetadata {
	/** Absent for an assets-only script, which has no module. */
	main_module?: string;
	compatibility_date: string;
	compatibility_flags: string[];
	bindings?: (TextBinding | JsonBinding | AssetsBinding | ResourceBindingMetadata | DurableObjectBinding)[];
	/** The Durable Object classes the script's objects script still lacks (./durable-objects.ts). */
	migrations?: Migrations;
	tags: string[];
	limits: { cpu_ms: number };
	/** Where the script's traces go: the telemetry Worker (workers/telemetry/, docs/telemetry.md). */
	tail_consumers: { service: string }[];
	assets?: ScriptAssets;
}

/**
 * The CPU limit a namespace script is uploaded with: the most a plan may give. Cloudflare applies the
 * lower of the script's own limit (30 s unless the upload says otherwise) and the one the dispatcher
 * passes with each request (the tenant's plan), so this makes the plan's the one that counts, for
 * every plan PUT /v1/plans accepts, even one raised after the upload.
 */
export const SCRIPT_LIMITS = { cpu_ms: PLAN_LIMIT_BOUNDS.cpuMs.max } as const;

/** The tag every namespace script of a Ferry script carries: by id, never reused (a name is released and claimed again). */
export const scriptTag = (scriptId: string) => `${TAG_PREFIX.script}${scriptId}`;

/**
 * Tags find a deployment's namespace scripts (dashboard, API filters) and delete a script's in one
 * call. A tag is used in `tags=<tag>:yes` filters, so it holds no ':', ',' or '&'; ids and script
 * names never do. Cloudflare allows eight per script. The telemetry Worker reads which script a trace
 * is from them (workers/shared/telemetry/tags.ts).
 */
export const scriptTags = (manifest: Manifest, scriptId: string): string[] => [
	"ferry",
	`${TAG_PREFIX.tenant}${manifest.tenantId}`,
	scriptTag(scriptId),
	`${TAG_PREFIX.name}${manifest.scriptName}`,
	`${TAG_PREFIX.deployment}${manifest.deploymentId}`,
];

export function scriptMetadata(
	{ manifest, scriptId }: Pick<BuiltDeployment, "manifest" | "scriptId">,
	secrets: Readonly<Record<string, string>> = {},
	assets?: ScriptAssets,
	resources: readonly ResourceBindingMetadata[] = [],
	objects: { bindings: readonly DurableObjectBinding[]; migrations?: Migrations } = { bindings: [] },
): ScriptMetadata {
	const common = {
		compatibility_date: manifest.compatibilityDate,
		compatibility_flags: manifest.compatibilityFlags,
		tags: scriptTags(manifest, scriptId),
		limits: SCRIPT_LIMITS,
		tail_consumers: [{ service: TELEMETRY_WORKER }],
		...(assets ? { assets } : {}),
	};
	// Assets only: Cloudflare's shape has no main module and no bindings.
	if (manifest.mainModule === null) return common;
	// The objects script (./durable-objects.ts) is uploaded without the assets, so without their binding.
	const binding = assets ? manifest.assets?.binding : undefined;
	return {
		main_module: manifest.mainModule,
		...common,
		bindings: [
			...Object.entries(manifest.vars).map(([name, value]): TextBinding | JsonBinding =>
				typeof value === "string" ? { type: "plain_text", name, text: value } : { type: "json", name, json: value },
			),
			...Object.entries(secrets).map(([name, text]): TextBinding => ({ type: "secret_text", name, text })),
			...(binding ? [{ type: "assets", name: binding } satisfies AssetsBinding] : []),
			...resources,
			...objects.bindings,
		],
		...(objects.migrations ? { migrations: objects.migrations } : {}),
	};
}

/**
 * One module as an upload part. JSON is the exception: the upload API has no JSON module type (it
 * takes JavaScript, Python, wasm, text, data and source maps), so a JSON module goes up as an ES module
 * whose default export is what importing the JSON module gives: `JSON.parse` of its text (an object
 * literal would differ, e.g. for a `"__proto__"` key).
 */
function modulePart(module: ManifestModule, bytes: ArrayBuffer): File {
	if (module.kind === "json") {
		const source = `export default JSON.parse(${JSON.stringify(new TextDecoder().decode(bytes))});\n`;
		return new File([source], module.name, { type: KIND_CONTENT_TYPES.esm });
	}
	return new File([bytes], module.name, { type: KIND_CONTENT_TYPES[module.kind] });
}

export function uploadForm(
	deployment: Pick<BuiltDeployment, "manifest" | "blobs" | "scriptId">,
	{
		secrets,
		assets,
		resources,
		objects,
	}: {
		secrets?: Readonly<Record<string, string>>;
		assets?: ScriptAssets;
		resources?: readonly ResourceBindingMetadata[];
		objects?: { bindings: readonly DurableObjectBinding[]; migrations?: Migrations };
	} = {},
): FormData {
	const form = new FormData();
	form.set(
		"metadata",
		new File([JSON.stringify(scriptMetadata(deployment, secrets, assets, resources, objects))], "metadata.json", {
			type: "application/json",
		}),
	);
	for (const module of deployment.manifest.modules) {
		const bytes = deployment.blobs.get(module.sha256);
		if (!bytes) throw new Error(`module ${module.name} has no bytes`);
		form.append(module.name, modulePart(module, bytes));
	}
	return form;
}
