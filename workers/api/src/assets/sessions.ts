/**
 * Asset upload sessions, in Cloudflare's shape (docs/assets.md): the client sends a manifest
 * (path → hash, size) and gets back the hashes the tenant does not hold yet, grouped into buckets,
 * with a token for uploading them; it uploads each bucket (multipart, one base64 part per hash,
 * authenticated by that token only); the upload that completes the session answers with a
 * completion token, which the deploy carries. Files the tenant already holds are never sent again.
 */

import { assetHashOfBase64 } from "../../../shared/assets/hash";
import { type UploadManifest, uploadManifestSchema } from "../../../shared/assets/manifest";
import { R2AssetStore, type UploadSession } from "../../../shared/assets/store";
import type { Database } from "../../../shared/db";
import { formatBytes } from "../../../shared/format";
import { BodyIncompleteError, BodyTooLargeError, readLimited } from "../../../shared/http/body";
import { FerryError } from "../../../shared/http/errors";
import { newId } from "../../../shared/ids";
import { LIMITS } from "../../../shared/limits";
import { readJson } from "../validate";
import { heldAssets, recordAssets } from "./held";
import { readAssetToken, signAssetToken } from "./tokens";

export interface SessionContext {
	db: Database;
	store: R2AssetStore;
	adminToken: string | undefined;
}

/** The session flow's parts, from a request's context (/v1's and /client/v4's endpoints alike). */
export const sessionContext = (c: { env: ApiEnv; var: { db: Database } }): SessionContext => ({
	db: c.var.db,
	store: new R2AssetStore(c.env.ARTIFACTS),
	adminToken: c.env.FERRY_ADMIN_TOKEN,
});

/** What `POST /v1/scripts/:name/assets-upload-session` answers: Cloudflare's `{jwt, buckets}`. */
export interface UploadSessionAnswer {
	jwt: string;
	buckets: string[][];
}

/** Reads and checks a session's manifest: limits first (413), then every path and hash (400). */
export async function readUploadManifest(request: Request): Promise<UploadManifest> {
	const body = await readJson(request, LIMITS.assetManifestBytes);
	const manifest = (body as { manifest?: unknown } | null)?.manifest;
	if (typeof manifest !== "object" || manifest === null || Array.isArray(manifest))
		throw new FerryError("invalid_assets", 'the body is {"manifest": {"/path": {"hash": "…", "size": 123}, …}}');
	const entries = Object.entries(manifest);
	if (entries.length > LIMITS.assetFiles)
		throw new FerryError(
			"payload_too_large",
			`a deployment has at most ${LIMITS.assetFiles.toLocaleString("en-US")} asset files; this manifest has ${entries.length.toLocaleString("en-US")}`,
		);
	for (const [path, entry] of entries) {
		const size = (entry as { size?: unknown } | null)?.size;
		if (typeof size === "number" && size > LIMITS.assetFileBytes)
			throw new FerryError(
				"payload_too_large",
				`asset '${path}' is ${formatBytes(size)}: an asset file is at most ${formatBytes(LIMITS.assetFileBytes)}`,
			);
	}
	const parsed = uploadManifestSchema.safeParse(manifest);
	if (!parsed.success) {
		const first = parsed.error.issues
			.slice(0, 3)
			.map((issue) => (issue.code === "custom" ? issue.message : `'${issue.path.join(".")}': ${issue.message}`));
		const more = parsed.error.issues.length - first.length;
		throw new FerryError("invalid_assets", `invalid asset manifest: ${first.join("; ")}${more > 0 ? `; and ${more} more` : ""}`);
	}
	// A hash names bytes, so it has one size.
	const sizes = new Map<string, number>();
	for (const [path, { hash, size }] of Object.entries(parsed.data)) {
		const seen = sizes.get(hash);
		if (seen !== undefined && seen !== size)
			throw new FerryError("invalid_assets", `asset '${path}' has hash ${hash} with two different sizes (${seen} and ${size})`);
		sizes.set(hash, size);
	}
	return parsed.data;
}

/**
 * Groups the hashes to upload into buckets of at most LIMITS.assetBucketFiles files and
 * LIMITS.assetBucketBytes bytes (a larger file goes alone), largest first so the buckets come out even.
 */
export function bucketsFor(missing: readonly string[], sizeOf: (hash: string) => number): string[][] {
	const buckets: { hashes: string[]; bytes: number }[] = [];
	for (const hash of [...missing].sort((a, b) => sizeOf(b) - sizeOf(a))) {
		const size = sizeOf(hash);
		const open = buckets.find((b) => b.hashes.length < LIMITS.assetBucketFiles && b.bytes + size <= LIMITS.assetBucketBytes);
		if (open) {
			open.hashes.push(hash);
			open.bytes += size;
		} else buckets.push({ hashes: [hash], bytes: size });
	}
	return buckets.map((b) => b.hashes);
}

/** Starts a session for the tenant's script (which may not exist yet: the first deploy uploads before it exists). */
export async function createSession(
	ctx: SessionContext,
	tenantId: string,
	scriptName: string,
	manifest: UploadManifest,
	now = Date.now(),
): Promise<UploadSessionAnswer> {
	const sizes = new Map(Object.values(manifest).map(({ hash, size }) => [hash, size]));
	const held = await heldAssets(ctx.db, tenantId, [...sizes.keys()]);
	for (const [hash, asset] of held)
		if (asset.size !== sizes.get(hash))
			throw new FerryError("invalid_assets", `hash ${hash} is a file of ${asset.size} bytes, not ${sizes.get(hash)}: check the hashes`);
	const missing = [...sizes.keys()].filter((hash) => !held.has(hash));
	const session: UploadSession = { id: newId(16), tenantId, scriptName, createdAt: now, manifest, missing };
	await ctx.store.putSession(session);
	const use = missing.length === 0 ? "complete" : "upload";
	const jwt = await signAssetToken(ctx.adminToken, { tenantId, scriptName, sessionId: session.id, use }, now);
	return { jwt, buckets: bucketsFor(missing, (hash) => sizes.get(hash)!) };
}

/** The session an upload token opens; anything else is unauthorized (the token is the bucket upload's only credential). */
export async function sessionForUpload(ctx: SessionContext, authorization: string | undefined): Promise<UploadSession> {
	const token = authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
	if (!token)
		throw new FerryError("unauthorized", "missing bearer token: send the upload session's token as 'Authorization: Bearer <jwt>'");
	const claims = await readAssetToken(ctx.adminToken, token);
	if (claims?.use !== "upload") throw new FerryError("unauthorized", "invalid or expired upload token: start a new upload session");
	const session = await ctx.store.session(claims.tenantId, claims.sessionId);
	if (!session) throw new FerryError("unauthorized", "this upload session is gone: start a new one");
	return session;
}

function decodeBase64(text: string): Uint8Array {
	const binary = atob(text);
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
}

function encodeBase64(bytes: Uint8Array): string {
	let binary = "";
	for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	return btoa(binary);
}

const STORE_CONCURRENCY = 32;

/** `null` when the part says "serve without a content type" (Cloudflare's application/null) or says nothing. */
const contentTypeOf = (type: string): string | null => (type === "" || type === "application/null" ? null : type);

/**
 * One bucket: every part named by a hash of the session, its body the file (base64 when `base64`),
 * checked against the hash and size the manifest gave before it is stored. Returns the completion
 * token once the tenant holds every file of the session, else null.
 */
export async function receiveBucket(ctx: SessionContext, session: UploadSession, request: Request, base64: boolean, now = Date.now()) {
	const contentType = request.headers.get("content-type") ?? "";
	if (!contentType.toLowerCase().startsWith("multipart/form-data"))
		throw new FerryError("unsupported_media_type", "upload a bucket as multipart/form-data, one part per file named by its hash");
	let body: Uint8Array;
	try {
		body = await readLimited(request, LIMITS.assetUploadBodyBytes);
	} catch (error) {
		if (error instanceof BodyTooLargeError)
			throw new FerryError("payload_too_large", `a bucket upload is at most ${formatBytes(LIMITS.assetUploadBodyBytes)}`);
		if (error instanceof BodyIncompleteError)
			throw new FerryError("invalid_multipart", "the upload broke off before its end; send it again");
		throw error;
	}
	let form: FormData;
	try {
		form = await new Response(body, { headers: { "content-type": contentType } }).formData();
	} catch {
		throw new FerryError("invalid_multipart", "the body is not valid multipart/form-data");
	}
	// The session's paths by hash: the hash covers the file's extension, so any of its paths checks it.
	const pathOf = new Map(Object.entries(session.manifest).map(([path, entry]) => [entry.hash, { path, size: entry.size }]));
	const files: { hash: string; bytes: Uint8Array; contentType: string | null }[] = [];
	for (const [hash, value] of form.entries()) {
		const entry = pathOf.get(hash);
		if (!entry) throw new FerryError("invalid_assets", `part '${hash.slice(0, 64)}' names no file of this upload session`);
		const text = typeof value === "string" ? value : undefined;
		const file = typeof value === "string" ? undefined : value;
		let bytes: Uint8Array;
		let encoded: string;
		if (base64) {
			encoded = text ?? (await file!.text());
			try {
				bytes = decodeBase64(encoded);
			} catch {
				throw new FerryError("invalid_assets", `file ${hash} (${entry.path}) is not valid base64`);
			}
		} else {
			bytes = file ? new Uint8Array(await file.arrayBuffer()) : new TextEncoder().encode(text!);
			encoded = encodeBase64(bytes);
		}
		if (bytes.byteLength !== entry.size)
			throw new FerryError("invalid_assets", `file ${hash} (${entry.path}) is ${bytes.byteLength} bytes; the manifest says ${entry.size}`);
		if (assetHashOfBase64(encoded, entry.path) !== hash)
			throw new FerryError("invalid_assets", `the bytes sent for ${entry.path} do not have its hash ${hash}`);
		files.push({ hash, bytes, contentType: contentTypeOf(file?.type ?? "") });
	}
	// The bytes first, a few at a time; then one D1 batch says the tenant holds them (a row always has its bytes).
	for (let i = 0; i < files.length; i += STORE_CONCURRENCY)
		await Promise.all(
			files.slice(i, i + STORE_CONCURRENCY).map((file) => ctx.store.putBlob(session.tenantId, file.hash, file.bytes, file.contentType)),
		);
	await recordAssets(
		ctx.db,
		session.tenantId,
		files.map((file) => ({ hash: file.hash, size: file.bytes.byteLength, contentType: file.contentType })),
		now,
	);
	const held = await heldAssets(ctx.db, session.tenantId, session.missing);
	if (held.size < session.missing.length) return null;
	return signAssetToken(
		ctx.adminToken,
		{ tenantId: session.tenantId, scriptName: session.scriptName, sessionId: session.id, use: "complete" },
		now,
	);
}
