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
