/**
 * A deployment's manifest: everything the runtime needs to start it, written to R2 at the Built stage.
 * Module bytes live beside it, content-addressed (see artifacts/).
 */
import { z } from "zod";
import { durableObjectsSchema } from "../resources/durable-objects";
import { resourceBindingSchema, serviceBindingSchema } from "../resources/index";

/** How a module is loaded, named after the Worker Loader module kinds. */
export const MODULE_KINDS = ["esm", "cjs", "text", "data", "json", "wasm", "sourcemap"] as const;
export type ModuleKind = (typeof MODULE_KINDS)[number];

/** The Cloudflare script-upload content types, and the kind each one means. */
export const CONTENT_TYPE_KINDS: Readonly<Record<string, ModuleKind>> = {
	"application/javascript+module": "esm",
	"text/javascript+module": "esm",
	"text/javascript": "cjs",
	"application/javascript": "cjs",
	"application/wasm": "wasm",
	"text/plain": "text",
	"application/json": "json",
	"application/octet-stream": "data",
	"application/source-map": "sourcemap",
};

/**
 * The content type a kind is uploaded with (the inverse of CONTENT_TYPE_KINDS, one canonical type
 * each): wrangler's (its `moduleTypeMimeType`: CommonJS is `application/javascript`).
 */
export const KIND_CONTENT_TYPES: Readonly<Record<ModuleKind, string>> = {
	esm: "application/javascript+module",
	cjs: "application/javascript",
	wasm: "application/wasm",
	text: "text/plain",
	json: "application/json",
	data: "application/octet-stream",
	sourcemap: "application/source-map",
};

export const manifestModuleSchema = z.object({
	name: z.string(),
	kind: z.enum(MODULE_KINDS),
	sha256: z.string().regex(/^[0-9a-f]{64}$/),
	size: z.number().int().nonnegative(),
});
export type ManifestModule = z.infer<typeof manifestModuleSchema>;

export const manifestSchema = z.object({
	version: z.literal(1),
	deploymentId: z.string(),
	scriptName: z.string(),
	tenantId: z.string(),
	/** null for an assets-only deployment: no Worker, its requests are its assets' (docs/assets.md). */
	mainModule: z.string().nullable(),
	compatibilityDate: z.string(),
	compatibilityFlags: z.array(z.string()),
	/** The script's vars as its env holds them: strings, or any other JSON value (typed vars, docs/compatibility.md). */
	vars: z.record(z.string(), z.json()),
	modules: z.array(manifestModuleSchema),
	/** Its bindings to the tenant's resources (KV namespaces, …), each named in the tenant's space (docs/bindings.md). */
	resources: z.array(resourceBindingSchema).optional(),
	/** Its service bindings: scripts of the same tenant (checked at upload), by name (docs/bindings.md). */
	services: z.array(serviceBindingSchema).optional(),
	/** Its Durable Object bindings and its script's classes (docs/bindings.md). */
	durableObjects: durableObjectsSchema.optional(),
	/** Set when the deployment has static assets (their paths are in its asset manifest, workers/shared/assets/). */
	assets: z
		.object({
			/** The env binding that fetches them from the Worker (`assets.binding`), if any. */
			binding: z.string().nullable(),
			files: z.number().int().nonnegative(),
			bytes: z.number().int().nonnegative(),
		})
		.optional(),
});
export type Manifest = z.infer<typeof manifestSchema>;
