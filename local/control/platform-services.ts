/**
 * PlatformServices: the runtime processes' PLATFORM binding (an external service binding to this
 * entrypoint's socket). They hold no storage; their dispatchers' cache misses come here and are
 * answered by the same D1/R2 reads the dispatcher runs in-process in production
 * (workers/shared/platform/d1.ts), static assets included (an asset's body is R2's stream, passed
 * on as it comes). Callers are the platform's own processes, on loopback only.
 *
 * Tenants' Durable Object alarms are kept here too, by one clock per script (./object-alarms.ts).
 *
 * Later: telemetry ingest and tenants' resources for the runtime processes belong here too.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import type { DeploymentAssets } from "../../workers/shared/assets/manifest";
import { type DeploymentCode, type PlatformReads, platformReads } from "../../workers/shared/platform";
import type { ObjectAlarmClock, ObjectOwner } from "../../workers/shared/resources/durable-objects";
import type { PlanLimits } from "../../workers/shared/runtime/plans";
import type { RouteTarget } from "../../workers/shared/runtime/route";

export class PlatformServices extends WorkerEntrypoint<ControlEnv> implements PlatformReads, ObjectAlarmClock {
	routes(labels: readonly string[]): Promise<RouteTarget[]> {
		return platformReads(this.env).routes(labels);
	}

	limits(tenantId: string): Promise<PlanLimits> {
		return platformReads(this.env).limits(tenantId);
	}

	allowList(tenantId: string): Promise<string[]> {
		return platformReads(this.env).allowList(tenantId);
	}

	deploymentCode(deploymentId: string): Promise<DeploymentCode> {
		return platformReads(this.env).deploymentCode(deploymentId);
	}

	deploymentAssets(deploymentId: string): Promise<DeploymentAssets> {
		return platformReads(this.env).deploymentAssets(deploymentId);
	}

	blob(tenantId: string, hash: string): Promise<ReadableStream<Uint8Array> | null> {
		return platformReads(this.env).blob(tenantId, hash);
	}

	/** A host's call (its object's alarm set, replaced or deleted): the script's clock keeps it. */
	setObjectAlarm(owner: ObjectOwner, id: string, scheduledTime: number | null): Promise<void> {
		const clocks = this.env.OBJECT_ALARMS;
		return clocks.get(clocks.idFromName(owner.scriptId)).set(owner, id, scheduledTime);
	}
}
