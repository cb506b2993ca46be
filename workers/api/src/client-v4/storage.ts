/**
 * The tenant's KV namespaces (`/storage/kv/namespaces`): what `wrangler deploy` lists and creates
 * for a `[[kv_namespaces]]` entry without an `id` (wrangler's provisioning: it titles it
 * `<script>-<binding>` and binds the id it gets back). A namespace's id is its title, its name in
 * the tenant's space (./resource-names.ts). `wrangler delete` lists them too, to find a legacy
 * Workers Sites namespace of the script's, which Ferry never has.
 */
import { z } from "zod";
import type { ResourceRow } from "../../../shared/db/schema";
import { factory } from "../env";
import { validate } from "../validate";
import { CloudflareError, ok, pageOf } from "./envelope";
import { createResource, resourcesOfType } from "./resource-names";

const namespaceView = (row: ResourceRow) => ({ id: row.name, title: row.name, supports_url_encoding: true });

export const storageEndpoints = factory
	.createApp()
	.get("/kv/namespaces", async (c) => {
		const rows = await resourcesOfType(c.var.db, c.var.tenant.id, "kv_namespace");
		return pageOf(c, rows.map(namespaceView), 20, 1000);
	})
	.post("/kv/namespaces", validate("json", z.looseObject({ title: z.unknown() })), async (c) => {
		const exists = new CloudflareError(400, 10014, "a namespace with this account ID and title already exists");
		const row = await createResource(c.var.db, c.var.tenant.id, "kv_namespace", c.req.valid("json").title, "KV namespace's title", exists);
		return ok(c, namespaceView(row));
	});
