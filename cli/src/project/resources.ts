/**
 * The project's resources as Ferry names them (docs/bindings.md): a KV namespace is named in the
 * tenant's own space by its config entry's `id`, else its `binding`. wrangler's dry run sends a
 * namespace without an `id` as an `inherit` binding (it would provision one through Cloudflare's
 * API at deploy); `ferry deploy` sends it as the `kv_namespace` binding it is, named by its binding.
 * Its dry run also leaves out the Durable Object migrations (wrangler first asks Cloudflare which tag
 * the script is at); Ferry keeps no tag, so `ferry deploy` sends them all, as wrangler does to a
 * script without one.
 * A D1 database is named by its `database_name`, else its `binding`: wrangler sends its
 * `database_id` (or `inherit` without one), `ferry deploy` sends the name.
 */
import { UserError } from "../core/errors.ts";
import type { Bundle } from "./bundle.ts";
import type { ProjectConfig } from "./config.ts";

interface KvEntry {
	binding: string;
	id?: string;
}

const kvEntries = (config: ProjectConfig | undefined): KvEntry[] => {
	const entries = config?.configured.kv_namespaces;
	return Array.isArray(entries) ? (entries as KvEntry[]) : [];
};

/** A KV namespace's name in the tenant's space: its `id`, else its binding. */
const kvName = (entry: KvEntry) => entry.id ?? entry.binding;

interface Migration {
	tag: string;
	[step: string]: unknown;
}

/** The config's migrations as wrangler uploads them to a script without a migration tag: every step, the last tag as `new_tag`. */
function withMigrations(bundle: Bundle, config: ProjectConfig | undefined): Bundle {
	const migrations = config?.configured.migrations;
	if (!Array.isArray(migrations) || migrations.length === 0 || bundle.metadata.migrations !== undefined) return bundle;
	const steps = (migrations as Migration[]).map(({ tag: _tag, ...step }) => step);
	const newTag = (migrations as Migration[]).at(-1)!.tag;
	return { ...bundle, metadata: { ...bundle.metadata, migrations: { new_tag: newTag, steps } } };
}

interface D1Entry {
	binding: string;
	database_name?: string;
}

const d1Entries = (config: ProjectConfig | undefined): D1Entry[] => {
	const entries = config?.configured.d1_databases;
	return Array.isArray(entries) ? (entries as D1Entry[]) : [];
};

/** A D1 database's name in the tenant's space: its `database_name`, else its binding. */
const d1Name = (entry: D1Entry) => entry.database_name ?? entry.binding;

/** The bundle with each of the config's KV namespaces and D1 databases bound by its name (wrangler's `inherit` placeholders replaced), and its migrations. */
export function withResourceNames(bundle: Bundle, config: ProjectConfig | undefined): Bundle {
	return withKvNames(withMigrations(bundle, config), config);
}

function withKvNames(bundle: Bundle, config: ProjectConfig | undefined): Bundle {
	const kv = new Map(kvEntries(config).map((entry) => [entry.binding, entry]));
	const d1 = new Map(d1Entries(config).map((entry) => [entry.binding, entry]));
	const bindings = bundle.metadata.bindings;
	if ((kv.size === 0 && d1.size === 0) || !Array.isArray(bindings)) return bundle;
	const named = bindings.map((binding: { name?: string; type?: string }) => {
		const database = binding.name === undefined ? undefined : d1.get(binding.name);
		if (database && (binding.type === "inherit" || binding.type === "d1"))
			return { name: database.binding, type: "d1", id: d1Name(database) };
		const entry = binding.name === undefined ? undefined : kv.get(binding.name);
		return entry && binding.type === "inherit" ? { name: entry.binding, type: "kv_namespace", namespace_id: kvName(entry) } : binding;
	});
	return { ...bundle, metadata: { ...bundle.metadata, bindings: named } };
}

/** The namespace `--binding` names in the project's config (wrangler's `kv key --binding`). */
export function kvNamespaceFor(config: ProjectConfig | undefined, binding: string, file: string): string {
	const entry = kvEntries(config).find((e) => e.binding === binding);
	if (!entry) throw new UserError(`${file} has no KV namespace bound as '${binding}' (kv_namespaces); name it with --namespace-id`);
	return kvName(entry);
}

/** The database `DB` names: a binding of the project's config (its `database_name`, else the binding), else the name itself (wrangler's `d1 execute DB`). */
export function d1DatabaseFor(config: ProjectConfig | undefined, database: string): string {
	const entry = d1Entries(config).find((e) => e.binding === database || e.database_name === database);
	return entry ? d1Name(entry) : database;
}
