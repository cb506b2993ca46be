/** Reading request bodies with a size limit, for the API's uploads and the WAGI shim's stdin. */

export class BodyTooLargeError extends Error {
	override name = "BodyTooLargeError";

	constructor(readonly limit: number) {
		super(`the body is larger than ${limit} bytes`);
	}
}

/**
 * The whole body, refused (BodyTooLargeError) as soon as it passes `limit` bytes: a declared
 * Content-Length over the limit is refused before reading, a chunked body when it gets there.
 */
export async function readLimited(request: Request, limit: number): Promise<Uint8Array> {
	const declared = Number(request.headers.get("content-length") ?? "0");
	if (declared > limit) throw new BodyTooLargeError(limit);
	if (!request.body) return new Uint8Array(0);
	const chunks: Uint8Array[] = [];
	let total = 0;
	const reader = request.body.getReader();
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		total += value.byteLength;
		if (total > limit) {
			await reader.cancel();
			throw new BodyTooLargeError(limit);
		}
		chunks.push(value);
	}
	return concat(chunks, total);
}

export function concat(chunks: readonly Uint8Array[], total = chunks.reduce((n, c) => n + c.byteLength, 0)): Uint8Array {
	if (chunks.length === 1) return chunks[0]!;
	const bytes = new Uint8Array(total);
	let offset = 0;
	for (const chunk of chunks) {
		bytes.set(chunk, offset);
		offset += chunk.byteLength;
	}
	return bytes;
}
