/** The upload: the bundle as one multipart body (docs/api.md), sent as a stream that tells when it is all out. */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Bundle } from "../project/bundle.ts";

export interface EncodedUpload {
	bytes: Uint8Array;
	contentType: string;
}

export async function encodeUpload(bundle: Bundle): Promise<EncodedUpload> {
	const form = new FormData();
	form.set("metadata", JSON.stringify(bundle.metadata));
	for (const module of bundle.modules) form.append(module.name, new File([module.bytes], module.name, { type: module.type }));
	// A Request serializes the form exactly as fetch would send it, boundary included.
	const request = new Request("http://ferry.invalid/", { method: "PUT", body: form });
	return { bytes: new Uint8Array(await request.arrayBuffer()), contentType: request.headers.get("content-type")! };
}

const CHUNK_BYTES = 64 * 1024;

/**
 * The body as a stream of chunks; `onSent` runs once the last byte has been handed to the connection.
 * Before that, stopping leaves the platform an incomplete upload, which it never stores; after it,
 * the platform has (or is about to have) everything and finishes the deployment on its own.
 */
export function uploadStream(bytes: Uint8Array, onSent: () => void): ReadableStream<Uint8Array> {
	let offset = 0;
	return new ReadableStream<Uint8Array>(
		{
			pull(controller) {
				if (offset >= bytes.byteLength) {
					controller.close();
					onSent();
					return;
				}
				const end = Math.min(offset + CHUNK_BYTES, bytes.byteLength);
				controller.enqueue(bytes.slice(offset, end));
				offset = end;
			},
		},
		{ highWaterMark: 0 },
	);
}

/** --outdir: the modules as they are uploaded, plus the metadata part as metadata.json. */
export async function writeOutdir(dir: string, bundle: Bundle): Promise<void> {
	const root = path.resolve(dir);
	await mkdir(root, { recursive: true });
	for (const module of bundle.modules) {
		const file = path.resolve(root, module.name);
		// Module names are relative paths (the API refuses anything else); never write outside the directory.
		if (!file.startsWith(`${root}${path.sep}`)) continue;
		await mkdir(path.dirname(file), { recursive: true });
		await writeFile(file, module.bytes);
	}
	await writeFile(path.join(root, "metadata.json"), `${JSON.stringify(bundle.metadata, null, 2)}\n`);
}
