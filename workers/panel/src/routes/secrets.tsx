/**
 * A script's secrets (`ferry secret`'s API, `/v1/scripts/:name/secrets`): the list, set one, delete
 * one after a confirmation. A value goes from the form to the API and is never rendered; the pages
 * name secrets only. Another tenant's script is the API's 404, so it is here.
 */
import { z } from "zod";
import type { SecretsChangeAnswer } from "../../../shared/api-client/types.ts";
import { factory } from "../env";
import { fields } from "../forms";
import { ConfirmPage } from "../pages/confirm";
import { render } from "../pages/render";
import { SecretsPage, secretsPath } from "../pages/secrets";

// The API checks the name and the value's size (workers/shared/secrets/names.ts) and says why.
const setForm = z.object({ csrf: z.string(), name: z.string().trim().min(1, "give the secret a name"), value: z.string() });

/** Back to the list after a change: what it did and which deployment carries it, said by the list page. */
const after = (script: string, change: "set" | "deleted", name: string, { deployment }: SecretsChangeAnswer) =>
	`${secretsPath(script)}?${new URLSearchParams({ [change]: name, ...(deployment ? { deployment: deployment.id } : {}) })}`;

/** The notice of the list page after a change (built here, never taken whole from the URL). */
function noticeOf(query: Record<string, string>): string | undefined {
	const change = query.set !== undefined ? `Set ${query.set}` : query.deleted !== undefined ? `Deleted ${query.deleted}` : undefined;
	if (!change) return undefined;
	return `${change}: ${query.deployment ? `deployment ${query.deployment} carries the change` : "the script's next deployment carries the change"}.`;
}

export const secretRoutes = factory
	.createApp()
	.get("/:name/secrets", async (c) => {
		const name = c.req.param("name");
		const { secrets } = await c.var.api.listSecrets(name);
		return render(c, <SecretsPage session={c.var.session} script={name} secrets={secrets} notice={noticeOf(c.req.query())} />);
	})
	.post("/:name/secrets", async (c) => {
		const script = c.req.param("name");
		const { name, value } = fields(c, setForm);
		const answer = await c.var.api.putSecret(script, name, value);
		return c.redirect(after(script, "set", name, answer), 303);
	})
	.get("/:name/secrets/:secret/delete", async (c) => {
		const script = c.req.param("name");
		const { secrets } = await c.var.api.listSecrets(script);
		const secret = secrets.find((s) => s.name === c.req.param("secret"));
		if (!secret) return c.notFound();
		return render(
			c,
			<ConfirmPage
				session={c.var.session}
				title={`Delete secret ${secret.name}?`}
				action={`${secretsPath(script)}/${encodeURIComponent(secret.name)}/delete`}
				button={`Delete ${secret.name}`}
				back={secretsPath(script)}
				danger
			>
				<p>
					<code>env.{secret.name}</code> is gone from <strong>{script}</strong> at once: a new deployment of the live code carries the
					change.
				</p>
			</ConfirmPage>,
		);
	})
	.post("/:name/secrets/:secret/delete", async (c) => {
		const script = c.req.param("name");
		const name = c.req.param("secret");
		fields(c, z.object({ csrf: z.string() }));
		const answer = await c.var.api.deleteSecret(script, name);
		return c.redirect(after(script, "deleted", name, answer), 303);
	});
