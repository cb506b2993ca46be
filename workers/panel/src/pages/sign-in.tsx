import { CsrfField, Layout } from "./layout";

export interface SignInProps {
	/** The one-time value of this form (also in its own cookie: ../routes/auth.tsx). */
	csrf: string;
	problem?: string | undefined;
	notice?: string | undefined;
}

export function SignInPage({ csrf, problem, notice }: SignInProps) {
	return (
		<Layout title="Sign in" notice={notice}>
			<p>
				Sign in with an API token: a tenant's token (<code>ferry tokens create</code>) or the operator's admin token. The panel keeps it on
				the server, encrypted, for the session only; your browser gets a session cookie, never the token.
			</p>
			{problem ? (
				<p class="problem" role="alert">
					{problem}
				</p>
			) : null}
			<form method="post" action="/sign-in" class="stack">
				<CsrfField token={csrf} />
				<label for="token">API token</label>
				<input id="token" name="token" type="password" autocomplete="off" required spellcheck={false} />
				<button type="submit">Sign in</button>
			</form>
		</Layout>
	);
}
