/**
 * What Ferry does with each key of a tenant's wrangler config and each field of an upload's metadata:
 * the tables (wrangler-config.ts, upload-metadata.ts), docs/compatibility.md rendered from them
 * (render.ts), and the one wording of a refusal, which names the key and points to that page. To
 * change what Ferry does with a key, change its row (and what honours it), then `npm run docs:compat`.
 */

import { COMPATIBILITY_DOC, type Row, refuses } from "./rows.ts";
import { BINDING_TYPES, UPLOAD_METADATA } from "./upload-metadata.ts";
import { WRANGLER_CONFIG } from "./wrangler-config.ts";

export { COMPATIBILITY_DOC, type Row, refuses, type Support } from "./rows.ts";
export { BINDING_TYPES, type BindingType, UPLOAD_METADATA, type UploadMetadataField } from "./upload-metadata.ts";
export { WRANGLER_CONFIG, type WranglerConfigKey } from "./wrangler-config.ts";

const rowOf = (table: Readonly<Record<string, Row>>, key: string): Row | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);

/** "'limits' is not supported: …" or "'workers_dev' = false is not supported: …" */
function refusal(what: string, row: Row, value: unknown): string {
	const shown = row.support === "refused" ? what : `${what} = ${JSON.stringify(value)}`;
	return `${shown} is not supported: ${row.note} (see ${COMPATIBILITY_DOC})`;
}

/** Why Ferry refuses a key of the wrangler config with this value; undefined when it honours it. */
export function configKeyProblem(key: string, value: unknown): string | undefined {
	const row = rowOf(WRANGLER_CONFIG, key);
	if (row && refuses(row, value)) return refusal(`'${key}'`, row, value);
	return undefined;
}

/** Why the API refuses a field of an upload's metadata; undefined when it honours it. */
export function metadataFieldProblem(field: string, value: unknown): string | undefined {
	const row = rowOf(UPLOAD_METADATA, field);
	if (!row) return `metadata field '${field}' is not one Ferry knows (${COMPATIBILITY_DOC} lists the fields an upload may have)`;
	if (refuses(row, value)) return refusal(`metadata field '${field}'`, row, value);
	return undefined;
}

/** Why the API refuses a binding of an upload's metadata, by its type; undefined when it honours it. */
export function bindingTypeProblem(name: string, type: string): string | undefined {
	const row = rowOf(BINDING_TYPES, type);
	if (!row) return `binding '${name}' has type '${type}', which Ferry does not know (${COMPATIBILITY_DOC} lists the binding types)`;
	if (refuses(row, undefined))
		return `binding '${name}' has type '${type}', which is not supported: ${row.note} (see ${COMPATIBILITY_DOC})`;
	return undefined;
}
