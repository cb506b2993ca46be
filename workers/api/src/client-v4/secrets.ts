/**
 * A script's secrets in Cloudflare's shape (`/accounts/:account_id/workers/scripts/:name/secrets`
 * and `…/secrets-bulk`): what `wrangler secret put|list|delete|bulk` call. Every change goes through
 * /v1's ../secrets/change.ts (checks, sealing, the deployment of the live code), so a secret put with
 * wrangler is the same as `ferry secret put`. Answers hold names and types, never a value.
 */
import { z } from "zod";
import type { Database } from "../../../shared/db";
import { FerryError, notFound } from "../../../shared/http/errors";
import { LIMITS } from "../../../shared/limits";
import { findScript } from "../deploy/queries";
import { factory } from "../env";
import { changeSecrets, type SecretsChanged } from "../secrets/change";
import { secretNames } from "../secrets/store";
import { readJson, validate } from "../validate";
import { ok } from "./envelope";

const secretBody = z.object({
	name: z.string(),
	text: z.string({ error: "text is the secret's value, a string" }),
	type: z.literal("secret_text", { error: "Ferry takes secret_text secrets only (a secret_key is not supported)" }).optional(),
});

/** wrangler's `secret bulk`: a JSON merge patch, name → the secret, or null to delete it. */
const bulkBody = z.object({ secrets: z.record(z.string(), secretBody.nullable()) });

/** Every value at its largest, as JSON, with room for names: what a bulk change may weigh. */
const BULK_BODY_BYTES = LIMITS.vars * (LIMITS.varBytes * 2 + 256);

const listed = async (db: Database, scriptId: string) =>
	(await secretNames(db, scriptId)).map((s) => ({ name: s.name, type: "secret_text" as const }));

/** A change whose deployment failed answers as that deployment's failure (the secrets are stored). */
function carried({ record }: SecretsChanged): void {
	if (!record || record.deployment.state === "Deployed") return;
	const { deployment } = record;
	if (deployment.state === "Deleted") throw new FerryError("conflict", "the script was deleted while its secrets changed");
	throw new FerryError(
		record.unavailable ? "platform_unavailable" : "deployment_failed",
		`the secret is stored, but deployment ${deployment.id}, which carries it, failed at the ${deployment.errorStage} stage: ${deployment.errorMessage}`,
	);
}

export const secretEndpoints = factory
	.createApp()
	.get("/:name/secrets", async (c) => {
		const script = await findScript(c.var.db, c.var.tenant.id, c.req.param("name"));
		return ok(c, await listed(c.var.db, script.id));
	})
	.get("/:name/secrets/:secret", async (c) => {
		const script = await findScript(c.var.db, c.var.tenant.id, c.req.param("name"));
		const secret = (await listed(c.var.db, script.id)).find((s) => s.name === c.req.param("secret"));
		if (!secret) throw notFound(`secret '${c.req.param("secret")}' of script '${script.name}'`);
		return ok(c, secret);
	})
	.put("/:name/secrets", validate("json", secretBody), async (c) => {
		const script = await findScript(c.var.db, c.var.tenant.id, c.req.param("name"));
		const { name, text } = c.req.valid("json");
		carried(await changeSecrets(c.env, c.executionCtx, c.var.db, script, { [name]: text }));
		return ok(c, { name, type: "secret_text" });
	})
	.delete("/:name/secrets/:secret", async (c) => {
		const script = await findScript(c.var.db, c.var.tenant.id, c.req.param("name"));
		// wrangler sends the name URL-encoded (`url_encoded=true`); the route's parameter is decoded already.
		carried(await changeSecrets(c.env, c.executionCtx, c.var.db, script, { [c.req.param("secret")]: null }));
		return ok(c, null);
	})
	.patch("/:name/secrets-bulk", async (c) => {
		const script = await findScript(c.var.db, c.var.tenant.id, c.req.param("name"));
		const parsed = bulkBody.safeParse(await readJson(c.req.raw, BULK_BODY_BYTES));
		if (!parsed.success) throw new FerryError("invalid_request", `invalid json: ${z.prettifyError(parsed.error).replace(/\n/g, "; ")}`);
		const values = Object.fromEntries(
			Object.entries(parsed.data.secrets).map(([key, secret]) => {
				if (secret && secret.name !== key) throw new FerryError("invalid_request", `secret '${key}' is named '${secret.name}' in its body`);
				return [key, secret ? secret.text : null];
			}),
		);
		if (Object.keys(values).length === 0) throw new FerryError("invalid_request", "name at least one secret");
		carried(await changeSecrets(c.env, c.executionCtx, c.var.db, script, values));
		return ok(c, await listed(c.var.db, script.id));
	});
