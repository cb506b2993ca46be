/** Reading request bodies with a size limit, for the API's uploads and the WAGI shim's stdin. */

export class BodyTooLargeError extends Error {
	override name = "BodyTooLargeError";

	constructor(readonly limit: number) {
		super(`the body is larger than ${limit} bytes`);
	}
}

/**
 * The body broke off before its end: the client went away or the connection failed mid-upload, so
 * the stream errored. The request's fault, not the server's, and what arrived is not the request.
 */
export class BodyIncompleteError extends Error {
	override name = "BodyIncompleteError";
	/** Bytes that arrived before it broke off. */
	readonly received: number;

	constructor(received: number, options?: ErrorOptions) {
		super(`the body broke off after ${received} bytes`, options);
		this.received = received;
	}
}

/**
 * The whole body, refused (BodyTooLargeError) as soon as it passes `limit` bytes: a declared
 * Content-Length over the limit is refused before reading, a chunked body when it gets there. A
 * body whose stream errors before its end is a BodyIncompleteError.
 */
export async function readLimited(request: Request, limit: number): Promise<Uint8Array> {
	const declared = Number(request.headers.get("content-length") ?? "0");
	if (declared > limit) throw new BodyTooLargeError(limit);
	if (!request.body) return new Uint8Array(0);
	const chunks: Uint8Array[] = [];
	let total = 0;
	const reader = request.body.getReader();
	for (;;) {
		let chunk: ReadableStreamReadResult<Uint8Array>;
		try {
			chunk = await reader.read();
		} catch (error) {
			throw new BodyIncompleteError(total, { cause: error });
		}
		const { done, value } = chunk;
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
