/**
 * Reads a Cloudflare-shaped script upload: `multipart/form-data` with a `metadata` JSON part and one
 * part per module, named by its module path (or a `files` part named by its filename, as the
 * `cloudflare` SDK sends them) and typed by its content type. Only the envelope is
 * checked here (a 4xx before anything is stored); what the modules mean is the Built stage's job.
 *
 * Ferry's one extension: `"wasi": "wagi"` in the metadata makes the upload's single module a WASI
 * command served CGI-style. Its upload gains the WAGI shim's modules here, so the shim is stored and
 * published like any module (docs/wasm.md).
 */
import { z } from "zod";
import { type AssetConfig, assetConfigSchema } from "../../../shared/assets/manifest";
import { bindingTypeProblem, metadataFieldProblem } from "../../../shared/compatibility";
import { formatBytes } from "../../../shared/format";
import { BodyIncompleteError, BodyTooLargeError, readLimited } from "../../../shared/http/body";
import { FerryError } from "../../../shared/http/errors";
import { DEFAULT_COMPATIBILITY_DATE, LIMITS } from "../../../shared/limits";
import { COMPATIBILITY_DATE, DNS_LABEL, moduleNameProblem, normalizeModuleName, RESOURCE_NAME, VAR_NAME } from "../../../shared/names";
import { CLASS_NAME, type DurableObjects } from "../../../shared/resources/durable-objects";
import type { ResourceBinding, ServiceBinding } from "../../../shared/resources/index";
import { cronsProblem } from "../../../shared/schedules/cron";
import { secretProblem } from "../../../shared/secrets/names";
import { PLATFORM_MODULE_FOLDER, WAGI_MAIN_MODULE, wagiModules } from "../../../wasm/wagi";
import { mediaTypeOf } from "../validate";

/** A binding's own fields are checked by its type (varsFrom); which types Ferry takes is the compatibility table's. */
const bindingSchema = z.looseObject({ type: z.string(), name: z.string().regex(VAR_NAME, "binding names are identifiers") });

const classNames = z.array(z.string().regex(CLASS_NAME, "a Durable Object class is named as its exported class")).optional();
/** One migration step: the classes it creates (`new_classes` are SQLite-backed locally too, docs/bindings.md). */
const migrationStep = z.looseObject({ new_classes: classNames, new_sqlite_classes: classNames });

export const metadataSchema = z.object({
	main_module: z.string().min(1).optional(),
	compatibility_date: z.string().regex(COMPATIBILITY_DATE, "must be YYYY-MM-DD").optional(),
	compatibility_flags: z
		.array(z.string().regex(/^[a-z0-9_]+$/, "flags are lowercase words joined by '_'"))
		.max(64)
		.default([]),
	vars: z.record(z.string().regex(VAR_NAME, "var names are identifiers"), z.json()).default({}),
	// wrangler sends vars as `plain_text` and `json` bindings.
	bindings: z.array(bindingSchema).default([]),
	// Ferry's: serve the one module, a WASI preview1 command, under the WAGI contract (docs/wasm.md).
	wasi: z.literal("wagi", { error: 'the only value is "wagi" (serve a WASI command module CGI-style)' }).optional(),
	// Static assets (docs/assets.md): the upload session's completion token and wrangler's routing config.
	assets: z
		.strictObject({ jwt: z.string().min(1, "assets.jwt is the upload session's completion token"), config: assetConfigSchema })
		.optional(),
	// Ferry's: the script's cron triggers (wrangler's `[triggers] crons`), in the shape of Cloudflare's
	// schedules endpoint; they replace the script's schedules when the deployment goes live (docs/cron.md).
	schedules: z.array(z.strictObject({ cron: z.string({ error: 'each schedule is {"cron": "…"}' }) })).optional(),
	// Durable Object classes (Cloudflare's shape; renames, deletions and transfers are refused by the compatibility table).
	migrations: z
		.looseObject({
			old_tag: z.string().optional(),
			new_tag: z.string().optional(),
			...migrationStep.shape,
			steps: z.array(migrationStep).optional(),
		})
		.optional(),
	// The other fields the compatibility table accepts carry nothing a deployment keeps (checked by metadataFieldProblem).
});

/** A var's value: a string (`plain_text`) or any other JSON value (`json`), as the script's env holds it. */
export type VarValue = z.infer<ReturnType<typeof z.json>>;

export interface UploadedModule {
	name: string;
	contentType: string;
	bytes: ArrayBuffer;
}

/** What a deploy says about its static assets; the pipeline resolves the token to its upload session. */
export interface UploadAssets {
	/** The upload session's completion token (`assets.jwt`). */
	jwt: string;
	config: AssetConfig;
	/** The name of the env binding that fetches them (an `assets` binding), if any. */
	binding: string | null;
}

export interface Upload {
	/** The module that exports the fetch handler (for a WASI upload, the shim's main module); null: assets only, no Worker. */
	mainModule: string | null;
	/**
	 * Set when the upload is a WASI command served by the WAGI shim: the tenant's .wasm module, and its
	 * bytes as uploaded (the Built stage checks these; `modules` may hold it with its memory imported).
	 */
	wagi?: { module: string; uploaded: ArrayBuffer };
	compatibilityDate: string;
	compatibilityFlags: string[];
	vars: Record<string, VarValue>;
	/** `secret_text` bindings, in clear until startDeploy seals them into the script's secrets (never stored with the upload). */
	secrets: Record<string, string>;
	modules: UploadedModule[];
	assets?: UploadAssets;
	/** The script's cron triggers once this deployment is live; absent: the script's stay as they are. */
	schedules?: string[];
	/** Bindings to the tenant's resources (KV namespaces), each named in the tenant's own space. */
	resources: ResourceBinding[];
	/** `inherit` bindings: names of resource bindings to keep from the script's live deployment (start.ts resolves them). */
	inherited?: string[];
	/** Service bindings to scripts of the same tenant (deploy/start.ts checks they are). */
	services?: ServiceBinding[];
	/** Durable Object bindings and the classes the migrations create; `scriptName` as bound (start.ts checks it is the script's own). */
	durableObjects?: DurableObjects & { scriptNames: { binding: string; scriptName: string }[] };
	sizeBytes: number;
}

async function readBody(request: Request): Promise<Uint8Array> {
	try {
		return await readLimited(request, LIMITS.uploadBytes);
	} catch (error) {
		if (error instanceof BodyTooLargeError)
			throw new FerryError("payload_too_large", `upload is larger than the ${formatBytes(error.limit)} limit`);
		// Nothing is stored before the whole body has been read, so an incomplete upload leaves no trace.
		if (error instanceof BodyIncompleteError)
			throw new FerryError(
				"invalid_multipart",
				`the upload was incomplete: the body broke off after ${formatBytes(error.received)}, before its end; nothing was stored, send it again`,
			);
		throw error;
	}
}

const plainTextBinding = z.object({ text: z.string({ error: "a plain_text binding needs text, a string" }) });
const jsonBinding = z.object({ json: z.json({ error: "a json binding needs json, a JSON value" }) });

function bindingValue(binding: z.infer<typeof bindingSchema>): VarValue {
	const parsed = binding.type === "json" ? jsonBinding.safeParse(binding) : plainTextBinding.safeParse(binding);
	if (!parsed.success)
		throw new FerryError("invalid_metadata", `binding '${binding.name}': ${z.prettifyError(parsed.error).replace(/\n/g, "; ")}`);
	return "json" in parsed.data ? parsed.data.json : parsed.data.text;
}

const kvBinding = z.object({
	namespace_id: z
		.string({ error: "a kv_namespace binding needs namespace_id, the namespace's name in your own space" })
		.regex(RESOURCE_NAME, "namespace_id names a namespace in your own space: 1-64 letters, digits, '_' or '-'"),
});

const r2Binding = z.object({
	bucket_name: z
		.string({ error: "an r2_bucket binding needs bucket_name, the bucket's name in your own space" })
		.regex(RESOURCE_NAME, "bucket_name names a bucket in your own space: 1-64 letters, digits, '_' or '-'"),
	// Cloudflare's bucket jurisdiction: a Ferry bucket is the platform's, in its account's default location.
	jurisdiction: z.never({ error: "jurisdiction is not supported: a Ferry bucket lives where the platform's account keeps it" }).optional(),
});

/**
 * wrangler sends a D1 binding as `{type: "d1", name, id: database_id}`; Ferry's CLI sends the
 * config's `database_name` (else the binding) as `id`. Either way `id` is a name in the tenant's own
 * space: a Cloudflare database id of any account names nothing else (docs/bindings.md).
 */
const d1Binding = z.object({
	id: z
		.string({ error: "a d1 binding needs id, the database's name in your own space" })
		.regex(RESOURCE_NAME, "id names a database in your own space: 1-64 letters, digits, '_' or '-'"),
});

/** The binding types that name one of the tenant's resources, and how each names it. */
const RESOURCE_BINDINGS: Record<string, (binding: z.infer<typeof bindingSchema>) => ResourceBinding> = {
	kv_namespace: (binding) => {
		const parsed = kvBinding.safeParse(binding);
		if (!parsed.success)
			throw new FerryError("invalid_metadata", `binding '${binding.name}': ${z.prettifyError(parsed.error).replace(/\n/g, "; ")}`);
		return { binding: binding.name, type: "kv_namespace", name: parsed.data.namespace_id };
	},
	r2_bucket: (binding) => {
		const parsed = r2Binding.safeParse(binding);
		if (!parsed.success)
			throw new FerryError("invalid_metadata", `binding '${binding.name}': ${z.prettifyError(parsed.error).replace(/\n/g, "; ")}`);
		return { binding: binding.name, type: "r2_bucket", name: parsed.data.bucket_name };
	},
	d1: (binding) => {
		const parsed = d1Binding.safeParse(binding);
		if (!parsed.success)
			throw new FerryError("invalid_metadata", `binding '${binding.name}': ${z.prettifyError(parsed.error).replace(/\n/g, "; ")}`);
		return { binding: binding.name, type: "d1", name: parsed.data.id };
	},
};

/** A name of env and what it is, as a message says it. */
const kindOf = (type: string) =>
	type === "secret_text" ? "a secret" : type === "plain_text" || type === "json" ? "a var" : `a ${type} binding`;

const serviceBinding = z.strictObject({
	type: z.literal("service"),
	name: z.string(),
	service: z
		.string({ error: "a service binding needs service, the name of one of your scripts" })
		.regex(DNS_LABEL, "service is a script name"),
	entrypoint: z
		.string()
		.regex(/^[A-Za-z_$][A-Za-z0-9_$]*$/, "entrypoint is the name of an exported class")
		.optional(),
	// wrangler sends it for a service of another environment: Ferry's scripts have none.
	environment: z
		.never({ error: "environment is not supported: a Ferry script has no environments (bind the script by its name)" })
		.optional(),
});

function serviceFrom(binding: z.infer<typeof bindingSchema>): ServiceBinding {
	const parsed = serviceBinding.safeParse(binding);
	if (!parsed.success)
		throw new FerryError("invalid_metadata", `binding '${binding.name}': ${z.prettifyError(parsed.error).replace(/\n/g, "; ")}`);
	return { binding: binding.name, script: parsed.data.service, entrypoint: parsed.data.entrypoint ?? null };
}

const durableObjectBinding = z.strictObject({
	type: z.literal("durable_object_namespace"),
	name: z.string(),
	class_name: z
		.string({ error: "a durable_object_namespace binding needs class_name, the name of a class your script exports" })
		.regex(CLASS_NAME, "class_name is the name of an exported class"),
	script_name: z.string().optional(),
	environment: z
		.never({ error: "environment is not supported: a Ferry script has no environments (bind the script by its name)" })
		.optional(),
	namespace_id: z
		.never({ error: "namespace_id is not supported: bind a class of your script by class_name (no Cloudflare id is needed)" })
		.optional(),
});

/**
 * The upload's Durable Object bindings and the classes its migrations create. Ferry keeps no
 * migration tag (its script answers carry none, so wrangler sends every migration each time, as
 * `ferry deploy` does): a class is the script's when a step of this upload creates it. A binding to
 * a class no migration creates is refused as Cloudflare refuses it; whether the code exports each
 * class is the Loaded stage's check.
 */
const durableObjectsOf = (metadata: z.infer<typeof metadataSchema>): Pick<Upload, "durableObjects"> => {
	const durableObjects = durableObjectsFrom(metadata);
	return durableObjects ? { durableObjects } : {};
};

function durableObjectsFrom(metadata: z.infer<typeof metadataSchema>): Upload["durableObjects"] {
	const bindings = metadata.bindings.filter((b) => b.type === "durable_object_namespace");
	const { migrations } = metadata;
	if (bindings.length === 0 && !migrations) return undefined;
	const classes: DurableObjects["classes"] = [];
	for (const step of migrations ? [migrations, ...(migrations.steps ?? [])] : []) {
		for (const [names, sqlite] of [
			[step.new_sqlite_classes, true],
			[step.new_classes, false],
		] as const) {
			for (const name of names ?? []) {
				if (classes.some((c) => c.name === name))
					throw new FerryError("invalid_metadata", `migrations: class '${name}' is created twice (a class is created by one migration)`);
				classes.push({ name, sqlite });
			}
		}
	}
	const read = bindings.map((binding) => {
		const parsed = durableObjectBinding.safeParse(binding);
		if (!parsed.success)
			throw new FerryError("invalid_metadata", `binding '${binding.name}': ${z.prettifyError(parsed.error).replace(/\n/g, "; ")}`);
		const className = parsed.data.class_name;
		if (!classes.some((c) => c.name === className))
			throw new FerryError(
				"invalid_metadata",
				`binding '${binding.name}': Cannot create binding for class '${className}' because it is not currently configured to implement Durable Objects. Did you forget to add a migration for it? (a migrations entry with new_sqlite_classes = ["${className}"]; docs/bindings.md)`,
			);
		return { binding: binding.name, className, scriptName: parsed.data.script_name };
	});
	return {
		bindings: read.map(({ binding, className }) => ({ binding, className })),
		classes,
		migrationTag: migrations?.new_tag ?? null,
		scriptNames: read.flatMap(({ binding, scriptName }) => (scriptName === undefined ? [] : [{ binding, scriptName }])),
	};
}

/** Every binding checked against the compatibility table, and no env name given twice (vars, secrets and bindings alike). */
function checkBindings(metadata: z.infer<typeof metadataSchema>): void {
	const names = new Map(Object.keys(metadata.vars).map((name) => [name, "plain_text"]));
	for (const binding of metadata.bindings) {
		const problem = bindingTypeProblem(binding.name, binding.type);
		if (problem) throw new FerryError("unsupported_config", problem);
		const earlier = names.get(binding.name);
		if (earlier !== undefined)
			throw new FerryError(
				"invalid_metadata",
				kindOf(earlier) !== kindOf(binding.type) && [earlier, binding.type].includes("secret_text")
					? `'${binding.name}' is both ${kindOf(earlier)} and ${kindOf(binding.type)}: a name in env is one binding`
					: `binding '${binding.name}' is given twice: a name in env is one binding`,
			);
		names.set(binding.name, binding.type);
	}
}

function resourcesFrom(metadata: z.infer<typeof metadataSchema>): ResourceBinding[] {
	return metadata.bindings.flatMap((binding) => {
		const read = Object.hasOwn(RESOURCE_BINDINGS, binding.type) ? RESOURCE_BINDINGS[binding.type] : undefined;
		return read ? [read(binding)] : [];
	});
}

const secretBinding = z.object({ text: z.string({ error: "a secret_text binding needs text, a string" }) });

/** The upload's vars and its `secret_text` bindings (set as the script's secrets, docs/secrets.md). */
function varsFrom(metadata: z.infer<typeof metadataSchema>): Pick<Upload, "vars" | "secrets"> {
	const vars: Record<string, VarValue> = { ...metadata.vars };
	const secrets: Record<string, string> = {};
	for (const binding of metadata.bindings) {
		if (
			binding.type === "assets" ||
			binding.type === "inherit" ||
			binding.type === "service" ||
			binding.type === "durable_object_namespace" ||
			Object.hasOwn(RESOURCE_BINDINGS, binding.type)
		)
			continue;
		if (binding.type === "secret_text") {
			const parsed = secretBinding.safeParse(binding);
			if (!parsed.success)
				throw new FerryError("invalid_metadata", `binding '${binding.name}': ${z.prettifyError(parsed.error).replace(/\n/g, "; ")}`);
			const problem = secretProblem(binding.name, parsed.data.text);
			if (problem) throw new FerryError("invalid_metadata", problem);
			secrets[binding.name] = parsed.data.text;
			continue;
		}
		vars[binding.name] = bindingValue(binding);
	}
	const count = Object.keys(vars).length + Object.keys(secrets).length;
	if (count > LIMITS.vars)
		throw new FerryError("invalid_metadata", `${count} vars: a Worker has at most ${LIMITS.vars} vars and secrets together`);
	for (const [name, value] of Object.entries(vars)) {
		// A JSON var is measured as its JSON text, as Cloudflare measures a json binding.
		const bytes = new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value)).byteLength;
		if (bytes > LIMITS.varBytes)
			throw new FerryError(
				"invalid_metadata",
				`var '${name}' is ${bytes} bytes${typeof value === "string" ? " of UTF-8" : " of JSON"}: a var is at most ${LIMITS.varBytes} bytes (${formatBytes(LIMITS.varBytes)})`,
			);
	}
	return { vars, secrets };
}

/** Every field the metadata has, checked against the compatibility table before anything else reads it. */
function checkMetadataFields(metadata: unknown): void {
	if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) return;
	for (const [field, value] of Object.entries(metadata)) {
		const problem = metadataFieldProblem(field, value);
		if (problem) throw new FerryError("unsupported_config", problem);
	}
}

export async function readUpload(request: Request): Promise<Upload> {
	const contentType = request.headers.get("content-type") ?? "";
	if (mediaTypeOf(contentType) !== "multipart/form-data")
		throw new FerryError("unsupported_media_type", "upload a script as multipart/form-data (a metadata part and one part per module)");
	const body = await readBody(request);

	let form: FormData;
	try {
		form = await new Response(body, { headers: { "content-type": contentType } }).formData();
	} catch {
		throw new FerryError("invalid_multipart", "the body is not valid multipart/form-data");
	}

	const metadataParts = form.getAll("metadata");
	const [metadataPart] = metadataParts;
	if (metadataPart === undefined) throw new FerryError("invalid_multipart", "the upload has no 'metadata' part");
	// Which one would win is no answer: a client that sent two means one of them is a mistake.
	if (metadataParts.length > 1)
		throw new FerryError("invalid_multipart", `the upload has ${metadataParts.length} 'metadata' parts: send exactly one`);
	const metadataText = typeof metadataPart === "string" ? metadataPart : await metadataPart.text();
	if (metadataText.length > LIMITS.metadataBytes) throw new FerryError("invalid_metadata", "the metadata part is too large");
	let metadataJson: unknown;
	try {
		metadataJson = JSON.parse(metadataText);
	} catch {
		throw new FerryError("invalid_metadata", "the metadata part is not valid JSON");
	}
	checkMetadataFields(metadataJson);
	const parsed = metadataSchema.safeParse(metadataJson);
	if (!parsed.success) throw new FerryError("invalid_metadata", `invalid metadata: ${z.prettifyError(parsed.error).replace(/\n/g, "; ")}`);
	const metadata = parsed.data;
	checkBindings(metadata);

	const modules: UploadedModule[] = [];
	/** Each module's part name as sent, by its normalized name. */
	const seen = new Map<string, string>();
	for (const [part, value] of form.entries()) {
		if (part === "metadata") continue;
		if (typeof value === "string")
			throw new FerryError("invalid_multipart", `part '${shown(part)}' is not a file: send modules as file parts`);
		// The `cloudflare` SDK sends every module as a `files` part, named by its filename (Cloudflare's `files` field).
		const sent = part === "files" || part === "files[]" ? value.name : part;
		const name = moduleName(sent);
		const first = seen.get(name);
		if (first !== undefined)
			throw new FerryError(
				"invalid_multipart",
				first === sent
					? `module '${name}' appears twice`
					: `module '${name}' appears twice: parts '${first}' and '${sent}' name the same module`,
			);
		seen.set(name, sent);
		modules.push({ name, contentType: value.type.split(";")[0]!.trim().toLowerCase(), bytes: await value.arrayBuffer() });
	}
	if (modules.length > LIMITS.modules) throw new FerryError("invalid_multipart", `an upload has at most ${LIMITS.modules} modules`);

	const schedules = metadata.schedules?.map((schedule) => schedule.cron);
	const cronProblem = schedules && cronsProblem(schedules);
	if (cronProblem) throw new FerryError("invalid_cron", cronProblem);
	const assets = assetsOf(metadata);
	// Assets only (Cloudflare's shape: no main_module, no module part): the deployment is its assets.
	const assetsOnly = assets !== undefined && !metadata.main_module && !metadata.wasi && modules.length === 0;
	return {
		...(metadata.wasi
			? wagiGraph(modules, metadata.main_module && normalizeModuleName(metadata.main_module))
			: { mainModule: assetsOnly ? null : mainModule(metadata), modules }),
		compatibilityDate: metadata.compatibility_date ?? DEFAULT_COMPATIBILITY_DATE,
		compatibilityFlags: metadata.compatibility_flags,
		...varsFrom(metadata),
		resources: resourcesFrom(metadata),
		...inheritedOf(metadata),
		services: metadata.bindings.filter((b) => b.type === "service").map(serviceFrom),
		...durableObjectsOf(metadata),
		...(assets ? { assets } : {}),
		...(schedules ? { schedules } : {}),
		sizeBytes: body.byteLength,
	};
}

/** The names of the upload's `inherit` bindings (wrangler's, for a resource it provisioned on an earlier deploy). */
function inheritedOf(metadata: z.infer<typeof metadataSchema>): Pick<Upload, "inherited"> {
	const inherited = metadata.bindings.filter((b) => b.type === "inherit").map((b) => b.name);
	return inherited.length > 0 ? { inherited } : {};
}

/** The upload's assets: `metadata.assets` and at most one `assets` binding, which needs them. */
function assetsOf(metadata: z.infer<typeof metadataSchema>): UploadAssets | undefined {
	const bindings = metadata.bindings.filter((b) => b.type === "assets");
	if (bindings.length > 1) throw new FerryError("invalid_metadata", "a deployment has at most one assets binding");
	const binding = bindings[0]?.name ?? null;
	if (!metadata.assets) {
		if (binding)
			throw new FerryError("invalid_metadata", `binding '${binding}' is an assets binding, but the upload has no assets (metadata.assets)`);
		return undefined;
	}
	return { jwt: metadata.assets.jwt, config: metadata.assets.config, binding };
}

/** A NUL shown as \0: a name is quoted in a message, and messages are text. */
const shown = (name: string) => name.replace(/\0/g, "\\0");

/** The module a part names: a leading `./` dropped (normalizeModuleName), and the name one the runtimes can load. */
function moduleName(part: string): string {
	const name = normalizeModuleName(part);
	const problem = moduleNameProblem(name);
	if (problem) throw new FerryError("invalid_multipart", `module '${shown(part)}': ${problem}`);
	return name;
}

function mainModule(metadata: z.infer<typeof metadataSchema>): string {
	// Normalized as the parts are; a main module that names no part is the Built stage's to refuse.
	if (metadata.main_module) return normalizeModuleName(metadata.main_module);
	throw new FerryError(
		"invalid_metadata",
		metadata.assets
			? "metadata needs main_module when the upload has modules (an assets-only upload has neither)"
			: "metadata needs main_module: the name of the module part that exports the fetch handler",
	);
}

/** A WASI upload's one module, with the shim's modules added and the shim's main module as main. */
function wagiGraph(uploaded: UploadedModule[], declaredMain: string | undefined): Pick<Upload, "mainModule" | "modules" | "wagi"> {
	const [module, ...others] = uploaded;
	if (!module || others.length > 0)
		throw new FerryError(
			"invalid_multipart",
			`a WASI upload ("wasi": "wagi") holds exactly one module, the .wasm file; this one has ${uploaded.length}`,
		);
	if (declaredMain !== undefined && declaredMain !== module.name)
		throw new FerryError("invalid_metadata", `main_module '${declaredMain}' is not the uploaded module '${module.name}'`);
	if (module.name.startsWith(PLATFORM_MODULE_FOLDER))
		throw new FerryError("invalid_multipart", `module names in '${PLATFORM_MODULE_FOLDER}' are the platform's: rename '${module.name}'`);
	return { mainModule: WAGI_MAIN_MODULE, modules: wagiModules(module), wagi: { module: module.name, uploaded: module.bytes } };
}
