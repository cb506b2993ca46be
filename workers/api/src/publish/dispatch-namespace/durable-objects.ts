/**
 * A script's Durable Objects on Cloudflare (production with the dispatch namespace, docs/bindings.md
 * and docs/deploy-to-cloudflare.md "Tenants' Durable Objects"). Cloudflare keeps a class's objects
 * with the script that defines it, and Ferry uploads one namespace script per deployment, so the
 * classes live in one more namespace script per Ferry script, `objects-<script id>` (ids never
 * reused; deployment ids hold no '-', so the names never meet): each deployment that has classes
 * uploads its code there too, with the migrations that script still lacks, and its own namespace
 * script binds the classes there by `script_name`. The objects run the code of the newest
 * deployment that reached Loaded; their data survives redeploys and rollbacks.
 *
 * Ferry keeps no migration tag of its own: the objects script's tag is `ferry-<n>`, n the number of
 * classes it was given, in the order the tenant's migrations created them (an upload names every
 * class, and the order of a config's migrations only grows), read back from Cloudflare (GET, as
 * wrangler reads a script's `migration_tag`) before each upload, sent as `old_tag`.
 */
import type { Manifest } from "../../../../shared/deployments/manifest";
import type { BuiltDeployment } from "../types";
import { type CloudflareApi, CloudflareApiError } from "./api";
import { isScriptGone } from "./errors";

/** `{type: "durable_object_namespace", name, class_name, script_name?}` (the upload metadata's "Bindings"). */
export type DurableObjectBinding = { type: "durable_object_namespace"; name: string; class_name: string; script_name?: string };

/** Cloudflare's multiple-step migration (the SDK's `MultipleStepMigrations`). */
export interface Migrations {
	old_tag?: string;
	new_tag: string;
	steps: { new_sqlite_classes?: string[]; new_classes?: string[] }[];
}

export const objectsScriptName = (scriptId: string) => `objects-${scriptId}`;

const TAG_PREFIX = "ferry-";
const tagOf = (classes: number) => `${TAG_PREFIX}${classes}`;

/** The migrations the objects script lacks, after `tag` (null: none yet); undefined when it has them all. */
export function migrationsAfter(tag: string | null, classes: NonNullable<Manifest["durableObjects"]>["classes"]): Migrations | undefined {
	const applied = tag?.startsWith(TAG_PREFIX) ? Number(tag.slice(TAG_PREFIX.length)) || 0 : 0;
	const added = classes.slice(applied);
	if (added.length === 0) return undefined;
	const sqlite = added.filter((c) => c.sqlite).map((c) => c.name);
	const kv = added.filter((c) => !c.sqlite).map((c) => c.name);
	return {
		...(tag ? { old_tag: tag } : {}),
		new_tag: tagOf(classes.length),
		steps: [...(sqlite.length ? [{ new_sqlite_classes: sqlite }] : []), ...(kv.length ? [{ new_classes: kv }] : [])],
	};
}

/** The objects script's migration tag as Cloudflare has it; null for a script it does not hold (yet). */
export async function migrationTag(api: CloudflareApi, scriptsPath: readonly string[], name: string): Promise<string | null> {
	try {
		const answer = await api.call<{ script?: { migration_tag?: string } }>("GET", [...scriptsPath, name]);
		return answer.script?.migration_tag ?? null;
	} catch (error) {
		if (error instanceof CloudflareApiError && isScriptGone(error)) return null;
		throw error;
	}
}

/** The bindings of a class in its own script (the objects script) or, by `script_name`, in the deployment's. */
export function objectBindings(
	{ manifest, scriptId }: Pick<BuiltDeployment, "manifest" | "scriptId">,
	own: boolean,
): DurableObjectBinding[] {
	return (manifest.durableObjects?.bindings ?? []).map(({ binding, className }) => ({
		type: "durable_object_namespace",
		name: binding,
		class_name: className,
		...(own ? {} : { script_name: objectsScriptName(scriptId) }),
	}));
}
