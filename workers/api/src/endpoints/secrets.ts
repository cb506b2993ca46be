/**
 * `/v1/scripts/:name/secrets`: list (names, types, times: never a value), set one (Cloudflare's
 * script-secrets shape `{"name", "text"}`), set and delete several in one change, delete one. Every
 * change goes through ../secrets/change.ts and answers with the deployment that carries it.
 */
import { z } from "zod";
import type { Database } from "../../../shared/db";
import type { ScriptRow } from "../../../shared/db/schema";
import { FerryError } from "../../../shared/http/errors";
import { LIMITS } from "../../../shared/limits";
import { findScript, liveDeploymentId } from "../deploy/queries";
import { factory } from "../env";
import { changeSecrets, type SecretsChanged, type SecretValues } from "../secrets/change";
import { secretNames } from "../secrets/store";
import { readJson, validate } from "../validate";
import { deploymentView, type SecretsAnswer, type SecretsChangeAnswer, secretView, type UrlFor, urlBuilder } from "../views";

const putBody = z.strictObject({
	name: z.string(),
	text: z.string({ error: "text is the secret's value, a string" }),
	type: z.literal("secret_text", { error: 'the only type is "secret_text"' }).optional(),
});

/** A whole change (`ferry secret bulk`): name → value, or null to delete it. */
const patchBody = z.strictObject({
	secrets: z
		.record(z.string(), z.string({ error: "a value is a string, or null to delete the secret" }).nullable())
		.refine((secrets) => Object.keys(secrets).length > 0, "name at least one secret"),
});

/** Every value at its largest, as JSON, with room for names: what a bulk change may weigh. */
const PATCH_BODY_BYTES = LIMITS.vars * (LIMITS.varBytes * 2 + 256);

async function secretsNow(db: Database, scriptId: string) {
	return (await secretNames(db, scriptId)).map(secretView);
}

/** The change's answer: the deployment that carries it, or the refusal its failure is. */
async function changeAnswer(db: Database, script: ScriptRow, { record }: SecretsChanged, url: UrlFor): Promise<SecretsChangeAnswer> {
	const secrets = await secretsNow(db, script.id);
	if (!record) return { secrets, deployment: null };
	const view = deploymentView(record.deployment, script.name, await liveDeploymentId(db, script.name), record.events, url);
	const { deployment } = record;
	if (deployment.state === "Deleted")
		throw new FerryError("conflict", "the script was deleted while its secrets changed", { deployment: view });
	if (deployment.state !== "Deployed")
		throw new FerryError(
			record.unavailable ? "platform_unavailable" : "deployment_failed",
			`the secrets are stored, but deployment ${deployment.id}, which carries them, failed at the ${deployment.errorStage} stage: ${deployment.errorMessage}; the script's next deployment carries them`,
			{ deployment: view, secrets },
		);
	return { secrets, deployment: view };
}

export const secretEndpoints = factory
	.createApp()
	.get("/:name/secrets", async (c) => {
		const script = await findScript(c.var.db, c.var.tenant.id, c.req.param("name"));
		const answer: SecretsAnswer = { secrets: await secretsNow(c.var.db, script.id) };
		return c.json(answer);
	})
	.put("/:name/secrets", validate("json", putBody), async (c) => {
		const db = c.var.db;
		const script = await findScript(db, c.var.tenant.id, c.req.param("name"));
		const { name, text } = c.req.valid("json");
		const changed = await changeSecrets(c.env, c.executionCtx, db, script, { [name]: text });
		return c.json(await changeAnswer(db, script, changed, urlBuilder(c.env.TENANT_DOMAIN, c.req.url)));
	})
	.patch("/:name/secrets", async (c) => {
		const db = c.var.db;
		const script = await findScript(db, c.var.tenant.id, c.req.param("name"));
		const parsed = patchBody.safeParse(await readJson(c.req.raw, PATCH_BODY_BYTES));
		if (!parsed.success) throw new FerryError("invalid_request", `invalid json: ${z.prettifyError(parsed.error).replace(/\n/g, "; ")}`);
		const values: SecretValues = parsed.data.secrets;
		const changed = await changeSecrets(c.env, c.executionCtx, db, script, values);
		return c.json(await changeAnswer(db, script, changed, urlBuilder(c.env.TENANT_DOMAIN, c.req.url)));
	})
	.delete("/:name/secrets/:secret", async (c) => {
		const db = c.var.db;
		const script = await findScript(db, c.var.tenant.id, c.req.param("name"));
		const changed = await changeSecrets(c.env, c.executionCtx, db, script, { [c.req.param("secret")]: null });
		return c.json(await changeAnswer(db, script, changed, urlBuilder(c.env.TENANT_DOMAIN, c.req.url)));
	});
