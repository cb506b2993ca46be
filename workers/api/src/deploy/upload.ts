/**
 * Reads a Cloudflare-shaped script upload: `multipart/form-data` with a `metadata` JSON part and one
 * part per module, named by its module path and typed by its content type. Only the envelope is
 * checked here (a 4xx before anything is stored); what the modules mean is the Built stage's job.
 */
import { z } from "zod";
import { FerryError } from "../../../shared/http/errors";
import { DEFAULT_COMPATIBILITY_DATE, LIMITS } from "../../../shared/limits";

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const bindingSchema = z.looseObject({ type: z.string(), name: z.string().regex(VAR_NAME), text: z.string().optional() });

export const metadataSchema = z.looseObject({
	main_module: z.string().min(1).optional(),
	body_part: z.string().optional(),
	compatibility_date: z
		.string()
		.regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD")
		.optional(),
	compatibility_flags: z.array(z.string().regex(/^[a-z0-9_]+$/, "flags are lowercase words joined by '_'")).max(64).default([]),
	vars: z.record(z.string().regex(VAR_NAME, "var names are identifiers"), z.string()).default({}),
	// wrangler sends vars as `plain_text` bindings.
	bindings: z.array(bindingSchema).default([]),
});

export interface UploadedModule {
	name: string;
	contentType: string;
	bytes: ArrayBuffer;
}

export interface Upload {
	mainModule: string;
	compatibilityDate: string;
	compatibilityFlags: string[];
	vars: Record<string, string>;
	modules: UploadedModule[];
	sizeBytes: number;
}

/** Reads at most `limit` bytes of the body; a larger body is refused without reading the rest. */
async function readLimited(request: Request, limit: number): Promise<ArrayBuffer> {
	const declared = Number(request.headers.get("content-length") ?? "0");
	if (declared > limit) throw tooLarge(limit);
	if (!request.body) return new ArrayBuffer(0);
	const chunks: Uint8Array[] = [];
	let total = 0;
	const reader = request.body.getReader();
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		total += value.byteLength;
		if (total > limit) {
			await reader.cancel();
			throw tooLarge(limit);
		}
		chunks.push(value);
	}
	const body = new Uint8Array(total);
	let offset = 0;
	for (const chunk of chunks) {
		body.set(chunk, offset);
		offset += chunk.byteLength;
	}
	return body.buffer;
}

const tooLarge = (limit: number) =>
	new FerryError("payload_too_large", `upload is larger than the ${limit / 1024 / 1024} MiB limit`);

function varsFrom(metadata: z.infer<typeof metadataSchema>): Record<string, string> {
	const vars: Record<string, string> = { ...metadata.vars };
	for (const binding of metadata.bindings) {
		if (binding.type !== "plain_text" || binding.text === undefined)
			throw new FerryError(
				"invalid_metadata",
				`binding '${binding.name}' has type '${binding.type}': only plain_text bindings (vars) are supported`,
			);
		vars[binding.name] = binding.text;
	}
	const size = Object.entries(vars).reduce((n, [k, v]) => n + k.length + v.length, 0);
	if (size > LIMITS.varsBytes) throw new FerryError("invalid_metadata", `vars are larger than ${LIMITS.varsBytes} bytes`);
	return vars;
}

export async function readUpload(request: Request): Promise<Upload> {
	const contentType = request.headers.get("content-type") ?? "";
	if (!contentType.toLowerCase().startsWith("multipart/form-data"))
		throw new FerryError("unsupported_media_type", "upload a script as multipart/form-data (a metadata part and one part per module)");
	const body = await readLimited(request, LIMITS.uploadBytes);

	let form: FormData;
	try {
		form = await new Response(body, { headers: { "content-type": contentType } }).formData();
	} catch {
		throw new FerryError("invalid_multipart", "the body is not valid multipart/form-data");
	}

	const metadataPart = form.get("metadata");
	if (metadataPart === null) throw new FerryError("invalid_multipart", "the upload has no 'metadata' part");
	const metadataText = typeof metadataPart === "string" ? metadataPart : await metadataPart.text();
	if (metadataText.length > LIMITS.metadataBytes) throw new FerryError("invalid_metadata", "the metadata part is too large");
	let metadataJson: unknown;
	try {
		metadataJson = JSON.parse(metadataText);
	} catch {
		throw new FerryError("invalid_metadata", "the metadata part is not valid JSON");
	}
	const parsed = metadataSchema.safeParse(metadataJson);
	if (!parsed.success)
		throw new FerryError("invalid_metadata", `invalid metadata: ${z.prettifyError(parsed.error).replace(/\n/g, "; ")}`);
	const metadata = parsed.data;
	if (!metadata.main_module) {
		throw new FerryError(
			"invalid_metadata",
			metadata.body_part
				? "service-worker syntax (body_part) is not supported: upload ES modules with main_module"
				: "metadata needs main_module: the name of the module part that exports the fetch handler",
		);
	}

	const modules: UploadedModule[] = [];
	const seen = new Set<string>();
	for (const [name, value] of form.entries()) {
		if (name === "metadata") continue;
		if (typeof value === "string") throw new FerryError("invalid_multipart", `part '${name}' is not a file: send modules as file parts`);
		if (seen.has(name)) throw new FerryError("invalid_multipart", `module '${name}' appears twice`);
		seen.add(name);
		modules.push({ name, contentType: value.type.split(";")[0]!.trim().toLowerCase(), bytes: await value.arrayBuffer() });
	}
	if (modules.length > LIMITS.modules) throw new FerryError("invalid_multipart", `an upload has at most ${LIMITS.modules} modules`);

	return {
		mainModule: metadata.main_module,
		compatibilityDate: metadata.compatibility_date ?? DEFAULT_COMPATIBILITY_DATE,
		compatibilityFlags: metadata.compatibility_flags,
		vars: varsFrom(metadata),
		modules,
		sizeBytes: body.byteLength,
	};
}
