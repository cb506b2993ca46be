/**
 * Recording a tenant's events (docs/api.md, "Events"): deploys, rollbacks, deletes, secrets. Every
 * API surface that does one of them calls recordEvent once it is done (deploy/start.ts,
 * deploy/remove.ts, the rollbacks of /v1 and /client/v4; the secrets endpoints with `secret_put` /
 * `secret_delete` and the secret's name in `detail`, never its value; the schedules endpoints with
 * `schedules_put`). The operation has happened
 * whatever becomes of the event: a telemetry Worker that cannot take it is logged, never the
 * caller's failure.
 */
import { log } from "../../shared/log";
import { telemetryOf } from "../../shared/telemetry/api";
import type { NewTenantEvent } from "../../shared/telemetry/events";

export async function recordEvent(env: Pick<ApiEnv, "TELEMETRY">, tenantId: string, event: NewTenantEvent): Promise<void> {
	try {
		await telemetryOf(env.TELEMETRY).recordEvent(tenantId, event);
	} catch (error) {
		log.error("could not record a tenant event", { tenantId, type: event.type, script: event.script, error });
	}
}
