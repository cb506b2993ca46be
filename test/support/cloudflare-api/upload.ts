/**
 * A script upload as Cloudflare reads it, each refusal with Cloudflare's code (./schema.ts has the
 * sources): the multipart envelope, the metadata, the module parts and their content types, the
 * bindings and their limits, the tags, the size and the compatibility date. Starting the code is
 * ./startup.ts's.
 */
import { z } from "zod";
import type { RecordedPart, RecordedRequest } from "./control.ts";
import { CLOUDFLARE_LIMITS, MODULE_CONTENT_TYPES, refuse, type ScriptMetadata, scriptMetadataSchema } from "./schema.ts";
import type { UploadedModule } from "./startup.ts";

export interface StoredModuleBytes extends UploadedModule {
	/** The part's content type as sent. */
	type: string;
}

export interface Upload {
	metadata: ScriptMetadata;
	modules: StoredModuleBytes[];
}

/** Today in UTC, as compatibility dates are compared. */
const todayUtc = () => new Date().toISOString().slice(0, 10);

export async function readUpload(request: Request, record: RecordedRequest): Promise<Upload> {
	const contentType = request.headers.get("content-type") ?? "";
	if (!contentType.startsWith("multipart/form-data"))
		throw refuse(400, 10026, "Could not parse request body: expected multipart/form-data");
	let form: FormData;
	try {
		form = await request.formData();
	} catch {
		throw refuse(400, 10026, "Could not parse request body");
	}
	const names = new Set<string>();
	for (const [name, value] of form) {
		const part: RecordedPart =
			typeof value === "string"
				? { name, type: "", filename: null, size: value.length }
				: { name, type: value.type, filename: value.name, size: value.size };
		record.parts.push(part);
		if (names.has(name)) throw refuse(400, 10021, `multiple parts named '${name}'`);
		names.add(name);
	}
	const metadata = await readMetadata(form, record);
	const modules = await readModules(form, metadata);
	checkBindings(metadata);
	if ((metadata.tags ?? []).length > CLOUDFLARE_LIMITS.tagsPerScript)
		throw refuse(400, 10021, `A script can have at most ${CLOUDFLARE_LIMITS.tagsPerScript} tags`);
	const size = modules.reduce((n, m) => n + m.bytes.byteLength, 0);
	if (size > CLOUDFLARE_LIMITS.scriptBytes)
		throw refuse(400, 10027, `Your Worker exceeded the size limit of ${CLOUDFLARE_LIMITS.scriptBytes / 1024 / 1024} MiB`);
	if (metadata.compatibility_date > todayUtc())
		throw refuse(400, 10021, `Can't set compatibility date in the future: ${metadata.compatibility_date}`);
	return { metadata, modules };
}

async function readMetadata(form: FormData, record: RecordedRequest): Promise<ScriptMetadata> {
	const part = form.get("metadata");
	if (part === null) throw refuse(400, 10021, "Missing metadata part");
	// The metadata part is JSON: a plain field, or a file part typed application/json.
	if (typeof part !== "string" && part.type !== "application/json")
		throw refuse(400, 10021, `metadata part must be application/json, not '${part.type}'`);
	let json: unknown;
	try {
		json = JSON.parse(typeof part === "string" ? part : await part.text());
	} catch {
		throw refuse(400, 10021, "metadata is not valid JSON");
	}
	record.metadata = json;
	const parsed = scriptMetadataSchema.safeParse(json);
	if (!parsed.success) throw refuse(400, 10021, `Invalid metadata: ${z.prettifyError(parsed.error).replace(/\n/g, "; ")}`);
	record.tags = parsed.data.tags ?? [];
	return parsed.data;
}

async function readModules(form: FormData, metadata: ScriptMetadata): Promise<StoredModuleBytes[]> {
	const modules: StoredModuleBytes[] = [];
	for (const [name, value] of form) {
		if (name === "metadata") continue;
		if (typeof value === "string") throw refuse(400, 10021, `part '${name}' must be a file part with a content type`);
		const kind = MODULE_CONTENT_TYPES[value.type as keyof typeof MODULE_CONTENT_TYPES];
		if (!kind) throw refuse(400, 10021, `part '${name}' has unsupported content type '${value.type}'`);
		modules.push({ name, type: value.type, kind, bytes: new Uint8Array(await value.arrayBuffer()) });
	}
	if (metadata.main_module === undefined) {
		// Assets only: the metadata's assets and no module at all.
		if (!metadata.assets || modules.length > 0 || metadata.bindings?.length)
			throw refuse(400, 10021, "main_module is required unless the upload is assets only (metadata.assets, no module, no binding)");
	} else if (!modules.some((m) => m.name === metadata.main_module))
		throw refuse(400, 10021, `No such module "${metadata.main_module}": main_module must name an uploaded part`);
	return modules;
}

/** Names unique; text, JSON and secret bindings within Cloudflare's per-Worker count and per-variable size. */
function checkBindings(metadata: ScriptMetadata): void {
	const bindings = metadata.bindings ?? [];
	const seen = new Set<string>();
	for (const binding of bindings) {
		if (seen.has(binding.name)) throw refuse(400, 10021, `binding name '${binding.name}' used twice`);
		seen.add(binding.name);
	}
	// A JSON var is an environment variable too, measured as its JSON text.
	const textOf = (binding: (typeof bindings)[number]) =>
		"text" in binding ? binding.text : "json" in binding ? JSON.stringify(binding.json) : undefined;
	const variables = bindings.filter((binding) => textOf(binding) !== undefined).length;
	if (variables > CLOUDFLARE_LIMITS.envVars)
		throw refuse(400, 10055, `This Worker has ${variables} environment variables and secrets; the limit is ${CLOUDFLARE_LIMITS.envVars}`);
	for (const binding of bindings) {
		const value = textOf(binding);
		if (value !== undefined && new TextEncoder().encode(value).byteLength > CLOUDFLARE_LIMITS.envVarBytes)
			throw refuse(400, 10054, `The environment variable '${binding.name}' exceeds the size limit of 5 KB`);
	}
}
