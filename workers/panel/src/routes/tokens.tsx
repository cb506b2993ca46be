/** A tenant's API tokens: list, create (the secret shown once), revoke (after a confirmation). */
import { z } from "zod";
import { factory } from "../env";
import { fields } from "../forms";
import { ConfirmPage } from "../pages/confirm";
import { render } from "../pages/render";
import { IssuedTokenPage, TokensPage } from "../pages/tokens";

const createForm = z.object({ csrf: z.string(), name: z.string().trim().min(1, "give the token a name").max(100) });

export const tokenRoutes = factory
	.createApp()
	.get("/", async (c) => {
		const { tokens } = await c.var.api.listTokens();
		const revoked = c.req.query("revoked");
		return render(c, <TokensPage session={c.var.session} tokens={tokens} notice={revoked ? `Revoked token ${revoked}.` : undefined} />);
	})
	.post("/", async (c) => {
		const { name } = fields(c, createForm);
		const { token } = await c.var.api.createToken(name);
		return render(
			c,
			<IssuedTokenPage
				session={c.var.session}
				token={token}
				title="Token created"
				intro={`The new token '${token.name}' works at once.`}
			/>,
			201,
		);
	})
	.get("/:id/revoke", async (c) => {
		const id = c.req.param("id");
		// Found among the tenant's own: another tenant's token id is a 404 like one that does not exist.
		const token = (await c.var.api.listTokens()).tokens.find((t) => t.id === id && !t.revoked_at);
		if (!token) return c.notFound();
		return render(
			c,
			<ConfirmPage
				session={c.var.session}
				title={`Revoke ${token.name}?`}
				action={`/tokens/${encodeURIComponent(token.id)}/revoke`}
				button={`Revoke ${token.name}`}
				back="/tokens"
				danger
			>
				<p>
					Everything using <code>{token.id}</code> is refused from now on{token.current ? ", this session included" : ""}. It cannot be
					undone.
				</p>
			</ConfirmPage>,
		);
	})
	.post("/:id/revoke", async (c) => {
		fields(c, z.object({ csrf: z.string() }));
		const { token } = await c.var.api.revokeToken(c.req.param("id"));
		return c.redirect(`/tokens?revoked=${encodeURIComponent(token.id)}`, 303);
	});
