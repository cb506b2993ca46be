import type { IssuedToken, TokenInfo } from "../../../shared/api-client/types.ts";
import type { Session } from "../env";
import { CsrfField, Layout, Time } from "./layout";

export function TokensPage({ session, tokens, notice }: { session: Session; tokens: TokenInfo[]; notice?: string | undefined }) {
	return (
		<Layout title="API tokens" session={session} notice={notice}>
			<p>
				Tokens for <code>ferry login</code>, CI and wrangler. A token is shown once, when it is created; the platform keeps only its hash.
			</p>
			<table>
				<caption>Your tenant's tokens</caption>
				<thead>
					<tr>
						<th scope="col">Name</th>
						<th scope="col">Id</th>
						<th scope="col">Created</th>
						<th scope="col">Status</th>
						<th scope="col">Action</th>
					</tr>
				</thead>
				<tbody>
					{tokens.map((token) => (
						<tr id={`token-${token.id}`}>
							<th scope="row">{token.name}</th>
							<td>
								<code>{token.id}</code>
							</td>
							<td>
								<Time iso={token.created_at} />
							</td>
							<td>
								{token.revoked_at ? (
									<>
										revoked <Time iso={token.revoked_at} />
									</>
								) : token.current ? (
									"active (this session)"
								) : (
									"active"
								)}
							</td>
							<td>
								{token.revoked_at ? null : (
									<a href={`/tokens/${encodeURIComponent(token.id)}/revoke`}>
										Revoke {token.name} ({token.id})
									</a>
								)}
							</td>
						</tr>
					))}
				</tbody>
			</table>
			<h2>Create a token</h2>
			<form method="post" action="/tokens" class="stack">
				<CsrfField token={session.csrf} />
				<label for="token-name">Name</label>
				<input id="token-name" name="name" required maxlength={100} />
				<button type="submit">Create token</button>
			</form>
		</Layout>
	);
}

/** The one time a token's secret is shown (the page is not cached). */
export function IssuedTokenPage({ session, token, title, intro }: { session: Session; token: IssuedToken; title: string; intro: string }) {
	return (
		<Layout title={title} session={session}>
			<p>{intro}</p>
			<p class="notice" role="status">
				Copy it now: it is shown this once and cannot be shown again.
			</p>
			<dl>
				<dt>Name</dt>
				<dd>{token.name}</dd>
				<dt>Token</dt>
				<dd>
					<code id="issued-token">{token.token}</code>
				</dd>
			</dl>
			<p>
				<a href={session.kind === "operator" ? "/tenants" : "/tokens"}>Done</a>
			</p>
		</Layout>
	);
}
