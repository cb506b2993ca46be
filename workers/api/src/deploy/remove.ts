/**
 * Deleting a script, for every API surface (`DELETE /v1/scripts/:name`, /client/v4's script and
 * service deletes): the store's one batch, then the dispatcher told its routes went and the
 * publisher told to forget what it was sent.
 */
import type { Database } from "../../../shared/db";
import type { ScriptRow } from "../../../shared/db/schema";
import { recordEvent } from "../events";
import { publisherFor } from "../publish";
import { routeControl, routesMoved } from "./pipeline";
import { deleteScript } from "./store";

/** Deletes the script; returns when it was deleted. */
export async function removeScript(env: ApiEnv, db: Database, script: Pick<ScriptRow, "id" | "name" | "tenantId">): Promise<number> {
	const { deletedAt, labels, sent } = await deleteScript(db, script.id);
	await Promise.all([
		routesMoved(routeControl(env), labels),
		publisherFor(env).remove({ id: script.id, name: script.name }, sent),
		recordEvent(env, script.tenantId, { type: "delete", script: script.name, deployment_id: null, detail: {} }),
	]);
	return deletedAt;
}
