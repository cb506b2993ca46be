/**
 * The tenant's D1 databases (`/d1/database`): what `wrangler deploy` looks up by `database_name`,
 * lists and creates for a `[[d1_databases]]` entry without a `database_id` (wrangler's
 * provisioning), and binds by the `uuid` it gets back. A database's uuid is its name in the
 * tenant's space (./resource-names.ts). `POST …/:name/query` (`wrangler d1 execute --remote`, and its
 * `d1 migrations list|apply --remote`) runs SQL as `POST /v1/d1/:database/query` does.
 */
import { z } from "zod";
import type { ResourceRow } from "../../../shared/db/schema";
import { FerryError } from "../../../shared/http/errors";
import { iso } from "../../../shared/time";
import { queryBody, queryDatabase } from "../endpoints/resources";
import { factory } from "../env";
import { validate } from "../validate";
import { CloudflareError, ok, pageOf } from "./envelope";
import { createResource, resourceNamed, resourcesOfType } from "./resource-names";

const databaseView = (row: ResourceRow) => ({
	uuid: row.name,
	name: row.name,
	version: "production",
	created_at: iso(row.createdAt),
});

/** Cloudflare's answer for a database the account does not hold (wrangler's provisioning reads 7404 as "create it"). */
const missing = (id: string) => new CloudflareError(404, 7404, `The database ${id} could not be found`);

export const d1Endpoints = factory
	.createApp()
	.get("/database", async (c) => {
		const filter = c.req.query("name");
		const rows = await resourcesOfType(c.var.db, c.var.tenant.id, "d1");
		return pageOf(c, rows.filter((row) => filter === undefined || row.name.includes(filter)).map(databaseView), 1000, 10_000);
	})
	.post("/database", validate("json", z.looseObject({ name: z.unknown() })), async (c) => {
		const body = c.req.valid("json");
		if (body.jurisdiction !== undefined)
			throw new CloudflareError(400, 10026, "jurisdiction is not supported: a Ferry database lives where the platform keeps it");
		const exists = new CloudflareError(400, 7502, "A database with that name already exists");
		return ok(c, databaseView(await createResource(c.var.db, c.var.tenant.id, "d1", body.name, "D1 database", exists)));
	})
	.get("/database/:name", async (c) => {
		const id = c.req.param("name");
		const row = await resourceNamed(c.var.db, c.var.tenant.id, "d1", id);
		if (!row) throw missing(id);
		return ok(c, databaseView(row));
	})
	.post("/database/:name/query", validate("json", queryBody.partial({ params: true })), async (c) => {
		const id = c.req.param("name");
		const row = await resourceNamed(c.var.db, c.var.tenant.id, "d1", id);
		if (!row) throw missing(id);
		const { sql, params } = c.req.valid("json");
		try {
			return ok(c, await queryDatabase(c.env, { tenantId: row.tenantId, type: "d1", name: row.name }, sql, params ?? []));
		} catch (error) {
			// D1's code for a query that failed, with D1's message (what wrangler prints).
			if (error instanceof FerryError && error.code === "invalid_request") throw new CloudflareError(400, 7500, error.message);
			throw error;
		}
	});
