/**
 * Which script a production trace belongs to, from its namespace script's tags. The upload sets them
 * (workers/api/src/publish/dispatch-namespace/form.ts `scriptTags`); tenant code cannot change them.
 */
import type { InvocationSource } from "./record";

export const TAG_PREFIX = { tenant: "tenant-", script: "script-", name: "name-", deployment: "deployment-" } as const;

export function sourceFromTags(tags: readonly string[], scriptName: string | null): InvocationSource | undefined {
	const value = (prefix: string) => tags.find((tag) => tag.startsWith(prefix))?.slice(prefix.length);
	const tenantId = value(TAG_PREFIX.tenant);
	const scriptId = value(TAG_PREFIX.script);
	const name = value(TAG_PREFIX.name);
	// The namespace script is named by its deployment id.
	const deploymentId = value(TAG_PREFIX.deployment) ?? scriptName ?? undefined;
	if (!tenantId || !scriptId || !name || !deploymentId) return undefined;
	return { tenantId, scriptId, scriptName: name, deploymentId };
}
