/**
 * Tenants' Durable Objects (docs/bindings.md): a deployment's `durable_object_namespace` bindings and
 * the classes its migrations create. A class belongs to its script: its objects are keyed by the
 * tenant, the script (its id, never reused) and the class, so no name, id or guess of one tenant
 * reaches another's objects. The upload reads them (workers/api/src/deploy/upload.ts), the manifest
 * keeps them, the Loaded probe checks the code exports each class.
 */
import { z } from "zod";

/** A class name as JavaScript spells an exported class. */
export const CLASS_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export const durableObjectClassSchema = z.object({
	name: z.string().regex(CLASS_NAME),
	/** Created by `new_sqlite_classes` (true) or `new_classes` (false; locally SQLite-backed too). */
	sqlite: z.boolean(),
});
export type DurableObjectClass = z.infer<typeof durableObjectClassSchema>;

export const durableObjectBindingSchema = z.object({
	/** The env name the tenant's code reads. */
	binding: z.string(),
	/** A class of the deployment's own script. */
	className: z.string().regex(CLASS_NAME),
});
export type DurableObjectBinding = z.infer<typeof durableObjectBindingSchema>;

/** What a deployment's manifest records about its Durable Objects. */
export const durableObjectsSchema = z.object({
	bindings: z.array(durableObjectBindingSchema),
	/** The script's classes after the upload's migrations (Ferry keeps no migration tag: an upload declares them all). */
	classes: z.array(durableObjectClassSchema),
	/** The upload's `new_tag`, passed on to Cloudflare in production. */
	migrationTag: z.string().nullable(),
});
export type DurableObjects = z.infer<typeof durableObjectsSchema>;

/**
 * The key of one object (the platform's Durable Object that hosts it, locally): tenant, script id and
 * class first, then the id the tenant's isolate made, so two tenants' (or scripts', or classes')
 * equal ids are two objects.
 */
export const objectKey = (owner: { tenantId: string; scriptId: string; className: string }, name: string) =>
	`${owner.tenantId}/${owner.scriptId}/${owner.className}/${name}`;

/** Who an object belongs to: what a Durable Object binding's props name (the dispatcher's FerryObjects). */
export interface ObjectOwner {
	tenantId: string;
	scriptId: string;
	scriptName: string;
	className: string;
}

/**
 * Alarms as Cloudflare runs them (developers.cloudflare.com/durable-objects/api/alarms/): a failed
 * alarm() is retried with exponential backoff, 2 s after the first failure, at most 6 times.
 */
export const ALARM_RETRY_START_MS = 2_000;
export const ALARM_MAX_RETRIES = 6;
/** How soon an alarm no runtime process could take (restarting, the script quarantined) is tried again; not a retry. */
export const ALARM_UNAVAILABLE_RETRY_MS = 1_000;

/**
 * What became of one delivery of an object's alarm: its alarm() ran (or threw), the object no longer
 * has that alarm (replaced or deleted meanwhile), its script is gone (deleted, or no longer this
 * tenant's), or nothing could run it now.
 */
export type AlarmOutcome = "ran" | "failed" | "stale" | "gone" | "unavailable";

/** The local platform's alarm clock, in the control process (PlatformServices): one alarm per object, or none. */
export interface ObjectAlarmClock {
	setObjectAlarm(owner: ObjectOwner, id: string, scheduledTime: number | null): Promise<void>;
}

/** A runtime process's side of an alarm's delivery (the dispatcher's Scheduler entrypoint). */
export interface ObjectAlarmRunner {
	objectAlarm(owner: ObjectOwner, id: string, scheduledTime: number, retryCount: number): Promise<AlarmOutcome>;
}
