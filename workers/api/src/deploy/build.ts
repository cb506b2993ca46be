/**
 * The Built stage: checks the module graph and normalizes it into a manifest. A failure here is the
 * tenant's to fix and is recorded on the deployment; nothing the live deployment uses is touched.
 * Module names were normalized and checked when the upload was read (upload.ts, a 400).
 */
import { CONTENT_TYPE_KINDS, type Manifest, type ManifestModule, type ModuleKind } from "../../../shared/deployments/manifest";
import { wasiCommandProblem, wasmModuleProblem } from "../../../wasm/checks";
import type { Upload } from "./upload";

export class BuildError extends Error {
	override name = "BuildError";
}

/** When a part comes untyped (e.g. curl -F without ;type=), its extension decides. */
const EXTENSION_KINDS: Readonly<Record<string, ModuleKind>> = {
	js: "esm",
	mjs: "esm",
	cjs: "cjs",
	wasm: "wasm",
	json: "json",
	txt: "text",
	html: "text",
	map: "sourcemap",
	bin: "data",
};

function moduleKind(name: string, contentType: string): ModuleKind {
	const byExtension = extensionKind(name);
	// curl and browsers send application/octet-stream (or nothing) for files they cannot type.
	if ((contentType === "" || contentType === "application/octet-stream") && byExtension) return byExtension;
	const byType = CONTENT_TYPE_KINDS[contentType];
	if (byType) return byType;
	throw new BuildError(
		`module '${name}' has content type '${contentType || "(none)"}', which is not a module type: use one of ${Object.keys(CONTENT_TYPE_KINDS).join(", ")}`,
	);
}

function extensionKind(name: string): ModuleKind | undefined {
	const dot = name.lastIndexOf(".");
	return dot === -1 ? undefined : EXTENSION_KINDS[name.slice(dot + 1).toLowerCase()];
}

function checkContent(name: string, kind: ModuleKind, bytes: ArrayBuffer): void {
	if (kind === "json") {
		try {
			JSON.parse(new TextDecoder().decode(bytes));
		} catch {
			throw new BuildError(`module '${name}' is typed application/json but is not valid JSON`);
		}
	}
	if (kind === "wasm") {
		const problem = wasmModuleProblem(new Uint8Array(bytes));
		if (problem) throw new BuildError(`module '${name}' ${problem}`);
	}
	if ((kind === "esm" || kind === "cjs" || kind === "text") && !isUtf8(bytes))
		throw new BuildError(`module '${name}' is not valid UTF-8 text`);
}

function isUtf8(bytes: ArrayBuffer): boolean {
	try {
		new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
		return true;
	} catch {
		return false;
	}
}

/** A WASI upload's module, valid WebAssembly by now, must be a WASI preview1 command the WAGI shim can run. */
function checkWasiCommand({ module, uploaded }: NonNullable<Upload["wagi"]>): void {
	const problem = wasiCommandProblem(new Uint8Array(uploaded));
	if (problem) throw new BuildError(`WASI module '${module}' ${problem}`);
}

export interface BuildInput {
	upload: Upload;
	/** sha256 of each module, by name, computed when the bytes were stored. */
	hashes: ReadonlyMap<string, string>;
	deploymentId: string;
	scriptName: string;
	tenantId: string;
}

export function buildManifest({ upload, hashes, deploymentId, scriptName, tenantId }: BuildInput): Manifest {
	const base = {
		version: 1 as const,
		deploymentId,
		scriptName,
		tenantId,
		compatibilityDate: upload.compatibilityDate,
		compatibilityFlags: upload.compatibilityFlags,
		vars: upload.vars,
		...(upload.resources.length > 0 ? { resources: upload.resources } : {}),
		...(upload.services?.length ? { services: upload.services } : {}),
		...(upload.durableObjects
			? {
					durableObjects: {
						bindings: upload.durableObjects.bindings,
						classes: upload.durableObjects.classes,
						migrationTag: upload.durableObjects.migrationTag,
					},
				}
			: {}),
	};
	// Assets only (upload.ts): no Worker, nothing to check but the assets (the pipeline's).
	if (upload.mainModule === null) return { ...base, mainModule: null, modules: [] };
	if (upload.modules.length === 0) throw new BuildError("the upload has no modules");
	const modules: ManifestModule[] = upload.modules.map(({ name, contentType, bytes }) => {
		const kind = moduleKind(name, contentType);
		if (name === upload.wagi?.module && kind !== "wasm")
			throw new BuildError(`the WASI module '${name}' is not WebAssembly: send it typed application/wasm (or named *.wasm)`);
		// The WASI module is checked as the tenant sent it (upload.ts may have imported its memory).
		checkContent(name, kind, name === upload.wagi?.module ? upload.wagi.uploaded : bytes);
		return { name, kind, sha256: hashes.get(name)!, size: bytes.byteLength };
	});
	if (upload.wagi) checkWasiCommand(upload.wagi);
	const main = modules.find((m) => m.name === upload.mainModule);
	if (!main)
		throw new BuildError(`main module '${upload.mainModule}' is not among the uploaded modules (${modules.map((m) => m.name).join(", ")})`);
	if (main.kind === "wasm")
		throw new BuildError(
			`main module '${main.name}' is WebAssembly: a Worker's main module is an ES module that may import it; to serve a WASI command module, set "wasi": "wagi" in the metadata (docs/wasm.md)`,
		);
	if (main.kind !== "esm")
		throw new BuildError(`main module '${main.name}' must be an ES module (application/javascript+module), not ${main.kind}`);
	return { ...base, mainModule: main.name, modules };
}
