/**
 * One tenant resource's data: a SQLite Durable Object per resource, named by resourceKey (tenant id,
 * type, name), so each resource is a store of its own and no key of one reaches another's. Lives
 * wherever the resources Worker runs (locally: the control process, persisted with the platform's
 * state, so it survives redeploys, rollbacks and restarts).
 *
 * KV values are kept in chunks: a SQLite row holds at most 2 MB, a KV value up to 25 MiB.
 */
import { DurableObject } from "cloudflare:workers";
import type { KvEntry, KvListPage, KvStore } from "../../shared/resources/kv";

const CHUNK_BYTES = 1024 * 1024;

interface EntryRow extends Record<string, SqlStorageValue> {
	key: string;
	metadata: string | null;
	expiration: number | null;
	size: number;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const encodeCursor = (key: string) => btoa(String.fromCharCode(...new TextEncoder().encode(key)));
const decodeCursor = (cursor: string) => {
	try {
		return new TextDecoder().decode(Uint8Array.from(atob(cursor), (c) => c.charCodeAt(0)));
	} catch {
		return "";
	}
};

export class TenantResource extends DurableObject<ResourcesEnv> implements KvStore {
	private readonly sql: SqlStorage;

	constructor(ctx: DurableObjectState, env: ResourcesEnv) {
		super(ctx, env);
		this.sql = ctx.storage.sql;
		this.schema();
	}

	private schema(): void {
		this.sql.exec(`CREATE TABLE IF NOT EXISTS kv (
			key TEXT PRIMARY KEY,
			metadata TEXT,
			expiration INTEGER,
			size INTEGER NOT NULL
		)`);
		this.sql.exec(`CREATE TABLE IF NOT EXISTS kv_chunks (
			key TEXT NOT NULL,
			n INTEGER NOT NULL,
			bytes BLOB NOT NULL,
			PRIMARY KEY (key, n)
		)`);
	}

	private live(key: string): EntryRow | null {
		const [row] = this.sql.exec<EntryRow>("SELECT key, metadata, expiration, size FROM kv WHERE key = ?", key).toArray();
		if (!row) return null;
		if (row.expiration !== null && row.expiration <= nowSeconds()) {
			this.remove(key);
			return null;
		}
		return row;
	}

	private remove(key: string): void {
		this.sql.exec("DELETE FROM kv WHERE key = ?", key);
		this.sql.exec("DELETE FROM kv_chunks WHERE key = ?", key);
	}

	async get(keys: string[]): Promise<(KvEntry | null)[]> {
		return keys.map((key) => {
			const row = this.live(key);
			if (!row) return null;
			const value = new Uint8Array(row.size);
			let offset = 0;
			for (const chunk of this.sql.exec<{ bytes: ArrayBuffer }>("SELECT bytes FROM kv_chunks WHERE key = ? ORDER BY n", key)) {
				value.set(new Uint8Array(chunk.bytes), offset);
				offset += chunk.bytes.byteLength;
			}
			return { value: value.buffer, metadata: row.metadata, expiration: row.expiration };
		});
	}

	async put(key: string, value: ArrayBuffer, stored: { expiration: number | null; metadata: string | null }): Promise<void> {
		this.ctx.storage.transactionSync(() => {
			this.remove(key);
			this.sql.exec(
				"INSERT INTO kv (key, metadata, expiration, size) VALUES (?, ?, ?, ?)",
				key,
				stored.metadata,
				stored.expiration,
				value.byteLength,
			);
			for (let n = 0, offset = 0; offset < value.byteLength || n === 0; n++, offset += CHUNK_BYTES)
				this.sql.exec("INSERT INTO kv_chunks (key, n, bytes) VALUES (?, ?, ?)", key, n, value.slice(offset, offset + CHUNK_BYTES));
		});
	}

	async delete(key: string): Promise<void> {
		this.remove(key);
	}

	async list({ prefix, cursor, limit }: { prefix: string; cursor: string | null; limit: number }): Promise<KvListPage> {
		const after = cursor ? decodeCursor(cursor) : "";
		this.sql.exec("DELETE FROM kv_chunks WHERE key IN (SELECT key FROM kv WHERE expiration <= ?)", nowSeconds());
		this.sql.exec("DELETE FROM kv WHERE expiration <= ?", nowSeconds());
		// Keys sort as KV sorts them: by their UTF-8 bytes (SQLite compares TEXT bytewise).
		const rows = this.sql
			.exec<EntryRow>(
				"SELECT key, metadata, expiration, size FROM kv WHERE key > ? AND substr(key, 1, length(?)) = ? ORDER BY key LIMIT ?",
				after,
				prefix,
				prefix,
				limit + 1,
			)
			.toArray();
		const page = rows.slice(0, limit);
		const keys = page.map((row) => ({
			name: row.key,
			...(row.expiration !== null ? { expiration: row.expiration } : {}),
			...(row.metadata !== null ? { metadata: JSON.parse(row.metadata) as unknown } : {}),
		}));
		const last = page.at(-1);
		return rows.length > limit && last ? { keys, list_complete: false, cursor: encodeCursor(last.key) } : { keys, list_complete: true };
	}

	/** Keys and bytes held (GET /v1/resources), counted by SQLite. */
	async usage(): Promise<{ keys: number; bytes: number }> {
		const [row] = this.sql
			.exec<{ keys: number; bytes: number }>("SELECT count(*) AS keys, coalesce(sum(size), 0) AS bytes FROM kv")
			.toArray();
		return row ?? { keys: 0, bytes: 0 };
	}

	/** Deletes everything the resource holds (`ferry resources delete`). */
	async destroy(): Promise<void> {
		await this.ctx.storage.deleteAll();
		this.schema();
	}
}
