/**
 * A change of a script's secrets, the one way every API surface changes them (`/v1`'s endpoints,
 * `/client/v4`'s script-secrets endpoints, an upload's `secret_text` bindings): names and sizes
 * checked, values sealed and written with the version bump (./store.ts), then, when the script has
 * a live deployment, a new deployment of that deployment's code with the new secrets
 * (runSecretsDeployment: no rebuild, nothing for the tenant to redeploy). docs/secrets.md.
 */
import { ArtifactStore } from "../../../shared/artifacts";
import type { Database } from "../../../shared/db";
import type { DeploymentRow, ScriptRow } from "../../../shared/db/schema";
import { FerryError, notFound } from "../../../shared/http/errors";
import { LIMITS } from "../../../shared/limits";
import { sealSecret } from "../../../shared/secrets/crypto";
import { secretProblem } from "../../../shared/secrets/names";
import { deployContext, runSecretsDeployment } from "../deploy/pipeline";
import { deploymentRecord, liveDeploymentId, scriptDeployment } from "../deploy/queries";
import type { DeploymentRecord } from "../deploy/store";
import type { Upload } from "../deploy/upload";
import type { TestBindings } from "../env";
import { recordEvent } from "../events";
import { secretNames, writeSecrets } from "./store";

/** Values in clear, as the client sent them; null deletes the secret. */
export type SecretValues = Record<string, string | null>;

export interface SecretsChanged {
	/** The deployment that carries the change (Deployed, or how it failed), or undefined: the script has no live deployment. */
	record?: DeploymentRecord;
}

/**
 * Applies `values` to the script's secrets. Refusals (bad name, too large, a var of that name, too
 * many, a missing secret to delete) come before anything is written. Resolves once the deployment
 * that carries the change has ended (it runs under waitUntil, so a client that goes away does not
 * stop it).
 */
export async function changeSecrets(
	env: ApiEnv & TestBindings,
	executionCtx: { waitUntil(promise: Promise<unknown>): void },
	db: Database,
	script: ScriptRow,
	values: SecretValues,
): Promise<SecretsChanged> {
	const entries = Object.entries(values);
	for (const [name, value] of entries) {
		const problem = secretProblem(name, value);
		if (problem) throw new FerryError("invalid_secret", problem);
	}
	const artifacts = new ArtifactStore(env.ARTIFACTS);
	const [liveId, current] = await Promise.all([liveDeploymentId(db, script.name), secretNames(db, script.id)]);
	const vars = liveId ? Object.keys((await artifacts.getManifest(liveId)).vars) : [];
	const names = new Set(current.map((s) => s.name));
	for (const [name, value] of entries) {
		if (value === null) {
			if (!names.delete(name)) throw notFound(`secret '${name}' of script '${script.name}'`);
		} else {
			if (vars.includes(name))
				throw new FerryError(
					"invalid_secret",
					`'${name}' is a var of script '${script.name}': a name is a var or a secret, not both; rename one, or deploy without the var first`,
				);
			names.add(name);
		}
	}
	if (vars.length + names.size > LIMITS.vars)
		throw new FerryError(
			"invalid_secret",
			`${vars.length} vars and ${names.size} secrets: a Worker has at most ${LIMITS.vars} vars and secrets together`,
		);

	const put: Record<string, string> = {};
	for (const [name, value] of entries) if (value !== null) put[name] = await sealSecret(env.FERRY_SECRETS_KEY, script.id, name, value);
	const deletes = entries.filter(([, value]) => value === null).map(([name]) => name);
	const deleted = await writeSecrets(db, script.id, { put, delete: deletes });
	if (deleted === undefined) throw notFound(`script '${script.name}'`);
	// The tenant's events: one per secret, by name (never its value).
	executionCtx.waitUntil(
		Promise.all([
			...Object.keys(put).map((name) =>
				recordEvent(env, script.tenantId, { type: "secret_put", script: script.name, deployment_id: null, detail: { name } }),
			),
			...deleted.map((name) =>
				recordEvent(env, script.tenantId, { type: "secret_delete", script: script.name, deployment_id: null, detail: { name } }),
			),
		]),
	);

	// Read after the write: a deployment that went live before it is the base; one after it has the change.
	const baseId = await liveDeploymentId(db, script.name);
	const base = baseId ? await scriptDeployment(db, script.id, baseId) : undefined;
	if (!base) return {};
	const work = runSecretsDeployment(
		deployContext(env, db, script.name),
		{ tenantId: script.tenantId, scriptId: script.id, scriptName: script.name },
		base,
		changeMessage(Object.keys(put), deleted, base),
	);
	executionCtx.waitUntil(work.catch(() => undefined));
	const record = await work;
	// Superseded: the live deployment, which went live meanwhile with this change, is the one to show.
	if (record.superseded) {
		const live = await liveDeploymentId(db, script.name);
		return live ? { record: await deploymentRecord(db, live) } : { record };
	}
	return { record };
}

/** What the new deployment's history says it is. */
function changeMessage(set: string[], deleted: string[], base: DeploymentRow): string {
	const parts = [...(set.length > 0 ? [`set ${set.join(", ")}`] : []), ...(deleted.length > 0 ? [`deleted ${deleted.join(", ")}`] : [])];
	return `secrets changed (${parts.join("; ")}): the code of deployment ${base.id}, not rebuilt`;
}

/**
 * An upload's `secret_text` bindings (wrangler's way of sending secrets with a deploy) set as the
 * script's secrets, before its deployment runs; a var of the upload named like one of the script's
 * secrets is refused, as `ferry secret put` of a var's name is. No deployment of their own: the
 * upload's is the one that carries them. They stay set if that deployment fails (docs/secrets.md).
 */
export async function setUploadSecrets(
	env: ApiEnv,
	db: Database,
	script: ScriptRow,
	upload: Upload,
	/** The script's secret names as its claim read them (claimScript). */
	existing: readonly string[],
): Promise<void> {
	const clash = existing.find((name) => Object.hasOwn(upload.vars, name) && !Object.hasOwn(upload.secrets, name));
	if (clash)
		throw new FerryError(
			"invalid_metadata",
			`'${clash}' is a var of this upload and a secret of script '${script.name}': a name is a var or a secret, not both; rename the var, or delete the secret first`,
		);
	const names = new Set([...existing, ...Object.keys(upload.secrets)]);
	const vars = Object.keys(upload.vars).length;
	if (vars + names.size > LIMITS.vars)
		throw new FerryError(
			"invalid_metadata",
			`${vars} vars and ${names.size} secrets: a Worker has at most ${LIMITS.vars} vars and secrets together`,
		);
	const entries = Object.entries(upload.secrets);
	if (entries.length === 0) return;
	const put: Record<string, string> = {};
	for (const [name, value] of entries) put[name] = await sealSecret(env.FERRY_SECRETS_KEY, script.id, name, value);
	if ((await writeSecrets(db, script.id, { put, delete: [] })) === undefined)
		throw new FerryError("conflict", "the script was deleted while this upload arrived; deploy again");
}
