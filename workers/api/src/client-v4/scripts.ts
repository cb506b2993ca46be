/**
 * Scripts and services under /accounts/:account_id/workers: what `wrangler deploy` asks before and
 * after its upload, the upload itself (PUT: deploy and go live, as Cloudflare's), and the deletes of
 * `wrangler delete` and the SDK. Each call maps onto /v1's code: reads ../deploy/queries.ts, the
 * deploy ../deploy/start.ts, the delete ../deploy/remove.ts.
 */
import { z } from "zod";
import { ArtifactStore } from "../../../shared/artifacts";
import type { ScriptRow } from "../../../shared/db/schema";
import { iso } from "../../../shared/time";
import { findScript, liveDeploymentId, scriptDeployment, scriptsOf } from "../deploy/queries";
import { removeScript } from "../deploy/remove";
import { deployAnswer, liveAfter, startDeploy } from "../deploy/start";
import { readUpload } from "../deploy/upload";
import { factory } from "../env";
import { checkScriptName, validate } from "../validate";
import { urlBuilder } from "../views";
import { cloudflareBindings } from "./bindings";
import { CloudflareError, ok, onePage } from "./envelope";
import { versionIdOf } from "./ids";

/** Cloudflare's code for a service (a script, in the services API) that does not exist; wrangler reads it as "new script". */
const SERVICE_NOT_FOUND = 10090;

async function findService(db: Parameters<typeof findScript>[0], tenantId: string, name: string): Promise<ScriptRow> {
	try {
		return await findScript(db, tenantId, name);
	} catch {
		throw new CloudflareError(404, SERVICE_NOT_FOUND, `This Worker does not exist on your account: no script '${name}'`);
	}
}

/** A script in Cloudflare's script shape, with its live deployment (the etag is the artifact's hash). */
async function scriptResult(db: Parameters<typeof findScript>[0], script: Pick<ScriptRow, "id" | "name" | "createdAt">) {
	const liveId = await liveDeploymentId(db, script.name);
	const live = liveId ? await scriptDeployment(db, script.id, liveId) : undefined;
	return {
		id: script.name,
		tag: script.id,
		tags: [],
		etag: live?.artifactSha256 ?? null,
		handlers: live?.handlers ?? ["fetch"],
		has_modules: true,
		has_assets: live ? live.assetFiles !== null : false,
		usage_model: "standard",
		logpush: false,
		// Ferry does not tell wrangler from other clients; "wrangler" keeps it from warning about dashboard edits.
		last_deployed_from: "wrangler",
		created_on: iso(script.createdAt),
		modified_on: iso(live?.updatedAt ?? script.createdAt),
	};
}

/** A script's settings outside its versions, as Ferry has them: no logpush, no tail consumers of the tenant's; observability is the platform's, always on. */
const scriptSettings = { logpush: false, observability: { enabled: true }, tags: [], tail_consumers: [] };

/** What Ferry serves a script at: its hostname and its previews, always (wrangler's workers.dev and preview URLs). */
const subdomainState = { enabled: true, previews_enabled: true };

export const scriptEndpoints = factory
	.createApp()
	.get("/services/:name", async (c) => {
		const script = await findService(c.var.db, c.var.tenant.id, c.req.param("name"));
		const result = await scriptResult(c.var.db, script);
		const environment = { environment: "production", created_on: result.created_on, modified_on: result.modified_on, script: result };
		return ok(c, {
			id: script.name,
			default_environment: environment,
			environments: [environment],
			created_on: result.created_on,
			modified_on: result.modified_on,
		});
	})
	.delete("/services/:name", async (c) => {
		const script = await findService(c.var.db, c.var.tenant.id, c.req.param("name"));
		await removeScript(c.env, c.var.db, script);
		return ok(c, null);
	})
	.get("/scripts", async (c) => {
		const rows = await scriptsOf(c.var.db, c.var.tenant.id);
		const scripts = await Promise.all(rows.map((row) => findScript(c.var.db, c.var.tenant.id, row.name)));
		return onePage(c, await Promise.all(scripts.map((s) => scriptResult(c.var.db, s))));
	})
	.put("/scripts/:name", async (c) => {
		const name = c.req.param("name");
		checkScriptName(name);
		const upload = await readUpload(c.req.raw);
		const db = c.var.db;
		const { work } = await startDeploy(c.env, c.executionCtx, db, { tenantId: c.var.tenant.id, name, upload });
		const record = await work;
		const answer = deployAnswer(record, name, await liveAfter(db, record, name), urlBuilder(c.env.TENANT_DOMAIN, c.req.url));
		const script = await findScript(db, c.var.tenant.id, name);
		return ok(c, {
			...(await scriptResult(db, script)),
			deployment_id: versionIdOf(answer.deployment.id),
			compatibility_date: upload.compatibilityDate,
			compatibility_flags: upload.compatibilityFlags,
		});
	})
	.delete("/scripts/:name", async (c) => {
		const script = await findScript(c.var.db, c.var.tenant.id, c.req.param("name"));
		await removeScript(c.env, c.var.db, script);
		return ok(c, null);
	})
	// What `wrangler delete` checks first: nothing on Ferry can depend on a script by these means.
	.get("/scripts/:name/references", async (c) => {
		await findScript(c.var.db, c.var.tenant.id, c.req.param("name"));
		return ok(c, { services: { incoming: [], outgoing: [], pages_function: false }, durable_objects: [], dispatch_outbounds: [] });
	})
	// The scripts tailing this one: a tenant's tail consumers are not supported (script-settings refuses them).
	.get("/tails/by-consumer/:name", (c) => {
		checkScriptName(c.req.param("name"));
		return ok(c, []);
	})
	// The account's workers.dev subdomain: Ferry's scripts live under TENANT_DOMAIN, named by the tenant.
	.get("/subdomain", (c) => ok(c, { subdomain: c.var.tenant.name }))
	// Cloudflare's Workers API (by name): wrangler reads where the script is served from `subdomain`.
	.get("/workers/:name", async (c) => {
		const script = await findScript(c.var.db, c.var.tenant.id, c.req.param("name"));
		const url = urlBuilder(c.env.TENANT_DOMAIN, c.req.url)(script.name);
		return ok(c, { id: script.id, name: script.name, created_on: iso(script.createdAt), subdomain: { ...subdomainState, url } });
	})
	// The live deployment's settings and bindings: wrangler's deploy reads them to keep (`inherit`) a
	// resource it provisioned on an earlier deploy, whose id the config does not hold.
	.get("/scripts/:name/settings", async (c) => {
		const script = await findScript(c.var.db, c.var.tenant.id, c.req.param("name"));
		const liveId = await liveDeploymentId(c.var.db, script.name);
		const manifest = liveId ? await new ArtifactStore(c.env.ARTIFACTS).getManifest(liveId) : undefined;
		return ok(c, {
			...scriptSettings,
			usage_model: "standard",
			compatibility_date: manifest?.compatibilityDate,
			compatibility_flags: manifest?.compatibilityFlags ?? [],
			bindings: manifest ? cloudflareBindings(manifest) : [],
		});
	})
	// Settings outside versions (wrangler sends them after a deploy): Ferry's are fixed, and said so.
	.get("/scripts/:name/script-settings", async (c) => {
		await findScript(c.var.db, c.var.tenant.id, c.req.param("name"));
		return ok(c, scriptSettings);
	})
	.patch(
		"/scripts/:name/script-settings",
		validate(
			"json",
			z.looseObject({
				logpush: z.boolean().optional(),
				tail_consumers: z.array(z.unknown()).nullish(),
				streaming_tail_consumers: z.array(z.unknown()).nullish(),
			}),
		),
		async (c) => {
			await findScript(c.var.db, c.var.tenant.id, c.req.param("name"));
			const asked = c.req.valid("json");
			if (asked.logpush || asked.tail_consumers?.length || asked.streaming_tail_consumers?.length)
				throw new CloudflareError(
					400,
					10026,
					"Ferry does not support logpush or tail consumers; its own logs and tail are docs/wrangler.md's",
				);
			return ok(c, scriptSettings);
		},
	)
	.get("/scripts/:name/subdomain", async (c) => {
		await findScript(c.var.db, c.var.tenant.id, c.req.param("name"));
		return ok(c, subdomainState);
	})
	.post(
		"/scripts/:name/subdomain",
		validate("json", z.looseObject({ enabled: z.boolean(), previews_enabled: z.boolean().optional() })),
		async (c) => {
			await findScript(c.var.db, c.var.tenant.id, c.req.param("name"));
			const asked = c.req.valid("json");
			if (!asked.enabled || asked.previews_enabled === false)
				throw new CloudflareError(
					400,
					10026,
					"Ferry always serves a script at its hostname and its previews: workers_dev = false and preview_urls = false are not supported",
				);
			return ok(c, subdomainState);
		},
	);
