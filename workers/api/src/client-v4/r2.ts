/**
 * The tenant's R2 buckets (`/r2/buckets`): what `wrangler deploy` looks up for each
 * `[[r2_buckets]]` entry and creates when the tenant has none of that name (wrangler's
 * provisioning). A bucket's name is its name in the tenant's space (./resource-names.ts).
 */
import type { ResourceRow } from "../../../shared/db/schema";
import { iso } from "../../../shared/time";
import { factory } from "../env";
import { JSON_BODY_BYTES, readJson } from "../validate";
import { CloudflareError, ok } from "./envelope";
import { createResource, resourceNamed, resourcesOfType } from "./resource-names";

/** Where a bucket is, in Cloudflare's words: the platform's one location, in the default jurisdiction. */
const bucketView = (row: ResourceRow) => ({
	name: row.name,
	creation_date: iso(row.createdAt),
	location: "ENAM",
	storage_class: "Standard",
});

/** A jurisdiction other than the default one (wrangler's `cf-r2-jurisdiction` header): Ferry has only that one. */
function checkJurisdiction(header: string | undefined): void {
	if (header !== undefined && header !== "default")
		throw new CloudflareError(400, 10026, `jurisdiction '${header}' is not supported: a Ferry bucket lives where the platform keeps it`);
}

export const r2Endpoints = factory
	.createApp()
	.get("/buckets", async (c) => {
		checkJurisdiction(c.req.header("cf-r2-jurisdiction"));
		const rows = await resourcesOfType(c.var.db, c.var.tenant.id, "r2_bucket");
		return ok(c, { buckets: rows.map(bucketView) });
	})
	// wrangler sends the body without a content type: it is read as JSON whatever it says.
	.post("/buckets", async (c) => {
		checkJurisdiction(c.req.header("cf-r2-jurisdiction"));
		const body = await readJson(c.req.raw, JSON_BODY_BYTES, { asText: true });
		const name = typeof body === "object" && body !== null ? (body as { name?: unknown }).name : undefined;
		const exists = new CloudflareError(409, 10004, "The bucket you tried to create already exists, and you own it.");
		return ok(c, bucketView(await createResource(c.var.db, c.var.tenant.id, "r2_bucket", name, "R2 bucket", exists)));
	})
	.get("/buckets/:name", async (c) => {
		checkJurisdiction(c.req.header("cf-r2-jurisdiction"));
		const row = await resourceNamed(c.var.db, c.var.tenant.id, "r2_bucket", c.req.param("name"));
		if (!row) throw new CloudflareError(404, 10006, "The specified bucket does not exist.");
		return ok(c, bucketView(row));
	});
