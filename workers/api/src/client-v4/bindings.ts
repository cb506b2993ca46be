/**
 * A deployment's bindings in Cloudflare's shape (the upload metadata's, without secrets' values), as
 * a version and a script's settings answer them: vars as `plain_text` and `json`, the tenant's
 * resources by their names (a namespace's `namespace_id`, a database's `id` and a bucket's
 * `bucket_name` are those names, ./resource-names.ts), services and Durable Object classes by name.
 * wrangler's deploy reads them to keep a binding it provisioned earlier (an `inherit` binding).
 */
import type { DurableObjects } from "../../../shared/resources/durable-objects";
import type { ResourceBinding, ServiceBinding } from "../../../shared/resources/index";

/** What a deployment binds: its manifest's fields (or an upload's, which has the same ones). */
export interface DeploymentBindings {
	vars: Record<string, unknown>;
	resources?: readonly ResourceBinding[];
	services?: readonly ServiceBinding[];
	durableObjects?: Pick<DurableObjects, "bindings">;
	assets?: { binding: string | null };
}

function resourceBinding({ binding, type, name }: ResourceBinding) {
	if (type === "kv_namespace") return { type, name: binding, namespace_id: name };
	if (type === "d1") return { type, name: binding, id: name };
	return { type, name: binding, bucket_name: name };
}

export function cloudflareBindings(manifest: DeploymentBindings) {
	return [
		...Object.entries(manifest.vars).map(([name, value]) =>
			typeof value === "string" ? { type: "plain_text", name, text: value } : { type: "json", name, json: value },
		),
		...(manifest.resources ?? []).map(resourceBinding),
		...(manifest.services ?? []).map(({ binding, script, entrypoint }) => ({
			type: "service",
			name: binding,
			service: script,
			...(entrypoint ? { entrypoint } : {}),
		})),
		...(manifest.durableObjects?.bindings ?? []).map(({ binding, className }) => ({
			type: "durable_object_namespace",
			name: binding,
			class_name: className,
		})),
		...(manifest.assets?.binding ? [{ type: "assets", name: manifest.assets.binding }] : []),
	];
}
