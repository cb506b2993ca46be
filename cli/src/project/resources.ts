/**
 * The project's resources as Ferry names them (docs/bindings.md): a KV namespace is named in the
 * tenant's own space by its config entry's `id`, else its `binding`. wrangler's dry run sends a
 * namespace without an `id` as an `inherit` binding (it would provision one through Cloudflare's
 * API at deploy); `ferry deploy` sends it as the `kv_namespace` binding it is, named by its binding.
 * Its dry run also leaves out the Durable Object migrations (wrangler first asks Cloudflare which tag
 * the script is at); Ferry keeps no tag, so `ferry deploy` sends them all, as wrangler does to a
 * script without one.
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

/** The bundle with each of the config's KV namespaces bound by its name (wrangler's `inherit` placeholders replaced), and its migrations. */
export function withResourceNames(bundle: Bundle, config: ProjectConfig | undefined): Bundle {
	return withKvNames(withMigrations(bundle, config), config);
}

function withKvNames(bundle: Bundle, config: ProjectConfig | undefined): Bundle {
	const kv = new Map(kvEntries(config).map((entry) => [entry.binding, entry]));
	const bindings = bundle.metadata.bindings;
	if (kv.size === 0 || !Array.isArray(bindings)) return bundle;
	const named = bindings.map((binding: { name?: string; type?: string }) => {
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
