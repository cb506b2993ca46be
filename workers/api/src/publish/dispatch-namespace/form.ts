/**
 * A deployment as a Workers script upload: `multipart/form-data` with a `metadata` part and one part
 * per module, named by its module path and typed by its kind
 * (https://developers.cloudflare.com/workers/configuration/multipart-upload-metadata/).
 */
import { KIND_CONTENT_TYPES, type Manifest, type ManifestModule } from "../../../../shared/deployments/manifest";

/** A binding of a user Worker. Ferry gives tenant code text only: its vars, and secrets when it has them. */
export type TextBinding = { type: "plain_text" | "secret_text"; name: string; text: string };
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
	bindings?: (TextBinding | AssetsBinding)[];
	tags: string[];
	assets?: ScriptAssets;
}

/**
 * Tags let an operator find a deployment's script in the namespace (dashboard, API filters). A tag is
 * used in `tags=<tag>:yes` filters, so it holds no ':' or ','; ids and script names never do.
 */
export const scriptTags = (manifest: Manifest): string[] => [
	"ferry",
	`tenant-${manifest.tenantId}`,
	`script-${manifest.scriptName}`,
	`deployment-${manifest.deploymentId}`,
];

export function scriptMetadata(manifest: Manifest, secrets: Readonly<Record<string, string>> = {}, assets?: ScriptAssets): ScriptMetadata {
	const common = {
		compatibility_date: manifest.compatibilityDate,
		compatibility_flags: manifest.compatibilityFlags,
		tags: scriptTags(manifest),
		...(assets ? { assets } : {}),
	};
	// Assets only: Cloudflare's shape has no main module and no bindings.
	if (manifest.mainModule === null) return common;
	const binding = manifest.assets?.binding;
	return {
		main_module: manifest.mainModule,
		...common,
		bindings: [
			...Object.entries(manifest.vars).map(([name, text]): TextBinding => ({ type: "plain_text", name, text })),
			...Object.entries(secrets).map(([name, text]): TextBinding => ({ type: "secret_text", name, text })),
			...(binding ? [{ type: "assets", name: binding } satisfies AssetsBinding] : []),
		],
	};
}

/**
 * One module as an upload part. JSON is the exception: the upload API has no JSON module type (it
 * takes JavaScript, Python, wasm, text, data and source maps), so a JSON module goes up as an ES module
 * whose default export is the value, which is what importing the JSON module gives.
 */
function modulePart(module: ManifestModule, bytes: ArrayBuffer): File {
	if (module.kind === "json") {
		const source = `export default ${new TextDecoder().decode(bytes)};\n`;
		return new File([source], module.name, { type: KIND_CONTENT_TYPES.esm });
	}
	return new File([bytes], module.name, { type: KIND_CONTENT_TYPES[module.kind] });
}

export function uploadForm(
	manifest: Manifest,
	blobs: ReadonlyMap<string, ArrayBuffer>,
	secrets?: Readonly<Record<string, string>>,
	assets?: ScriptAssets,
): FormData {
	const form = new FormData();
	form.set(
		"metadata",
		new File([JSON.stringify(scriptMetadata(manifest, secrets, assets))], "metadata.json", { type: "application/json" }),
	);
	for (const module of manifest.modules) {
		const bytes = blobs.get(module.sha256);
		if (!bytes) throw new Error(`module ${module.name} has no bytes`);
		form.append(module.name, modulePart(module, bytes));
	}
	return form;
}
