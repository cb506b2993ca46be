/**
 * A script's secrets: their names, types and when each was last set (the API never returns a value,
 * so neither does this page), a form to set one (the value in a password field, never filled in
 * again) and a delete link per secret, behind a confirmation. The same API as `ferry secret`.
 */
import type { Secret } from "../../../shared/api-client/types.ts";
import type { Session } from "../env";
import { CsrfField, Layout, Time } from "./layout";
import { scriptPath } from "./scripts";

export const secretsPath = (script: string) => `${scriptPath(script)}/secrets`;

export interface SecretsPageProps {
	session: Session;
	script: string;
	secrets: Secret[];
	notice?: string | undefined;
}

export function SecretsPage({ session, script, secrets, notice }: SecretsPageProps) {
	return (
		<Layout title={`Secrets of ${script}`} session={session} notice={notice}>
			<p>
				<a href={scriptPath(script)}>{script}</a> · <a href={`${scriptPath(script)}/logs`}>Logs</a> ·{" "}
				<a href={`${scriptPath(script)}/metrics`}>Metrics</a>
			</p>
			<p>
				Secrets reach the script's code as strings in <code>env</code>. They are sealed at rest and never shown again, here or by the API; a
				change is a new deployment of the live code.
			</p>
			{secrets.length === 0 ? (
				<p>No secrets yet.</p>
			) : (
				<table>
					<caption>The secrets of {script}</caption>
					<thead>
						<tr>
							<th scope="col">Name</th>
							<th scope="col">Type</th>
							<th scope="col">Set</th>
							<th scope="col">Action</th>
						</tr>
					</thead>
					<tbody>
						{secrets.map((secret) => (
							<tr>
								<th scope="row">
									<code>{secret.name}</code>
								</th>
								<td>{secret.type}</td>
								<td>
									<Time iso={secret.updated_at} />
								</td>
								<td>
									<a href={`${secretsPath(script)}/${encodeURIComponent(secret.name)}/delete`}>Delete {secret.name}</a>
								</td>
							</tr>
						))}
					</tbody>
				</table>
			)}
			<h2>Set a secret</h2>
			<p>A secret of that name is replaced.</p>
			<form method="post" action={secretsPath(script)} class="stack">
				<CsrfField token={session.csrf} />
				<label for="secret-name">Name (letters, digits and _)</label>
				<input id="secret-name" name="name" required maxlength={128} autocomplete="off" spellcheck={false} />
				<label for="secret-value">Value</label>
				<input id="secret-value" name="value" type="password" required autocomplete="off" />
				<button type="submit">Set secret</button>
			</form>
		</Layout>
	);
}
