/** The operator's tenants: list and create (the first token shown once), and one tenant's plan and egress allow-list. */
import { z } from "zod";
import { factory } from "../env";
import { fields } from "../forms";
import { render } from "../pages/render";
import { TenantPage, TenantsPage, tenantPath } from "../pages/tenants";
import { IssuedTokenPage } from "../pages/tokens";

const createForm = z.object({ csrf: z.string(), name: z.string().trim().min(1).max(63), plan: z.string().trim().min(1).max(32) });
const planForm = z.object({ csrf: z.string(), plan: z.string().trim().min(1).max(32) });
const egressForm = z.object({
	csrf: z.string(),
	hosts: z
		.string()
		.max(8_000)
		.transform((text) =>
			text
				.split(/\s+/)
				.map((host) => host.trim())
				.filter(Boolean),
		),
});

const NOTICES: Record<string, string> = { plan: "Plan saved.", egress: "Allow-list saved." };

export const tenantRoutes = factory
	.createApp()
	.get("/", async (c) => render(c, <TenantsPage session={c.var.session} tenants={(await c.var.api.listTenants()).tenants} />))
	.post("/", async (c) => {
		const { name, plan } = fields(c, createForm);
		const { tenant, token } = await c.var.api.createTenant(name, plan);
		return render(
			c,
			<IssuedTokenPage
				session={c.var.session}
				token={token}
				title={`Tenant ${tenant.name} created`}
				intro={`Its first token (give it to the tenant; it signs in to the panel and logs in the CLI with it).`}
			/>,
			201,
		);
	})
	.get("/:id", async (c) => {
		const [settings, plans] = await Promise.all([c.var.api.getTenant(c.req.param("id")), c.var.api.listPlans()]);
		const saved = Object.keys(c.req.queries())
			.map((key) => NOTICES[key])
			.find(Boolean);
		return render(c, <TenantPage session={c.var.session} settings={settings} plans={plans.plans} notice={saved} />);
	})
	.post("/:id/plan", async (c) => {
		const { plan } = fields(c, planForm);
		await c.var.api.setTenantPlan(c.req.param("id"), plan);
		return c.redirect(`${tenantPath(c.req.param("id"))}?plan`, 303);
	})
	.post("/:id/egress", async (c) => {
		const { hosts } = fields(c, egressForm);
		await c.var.api.setTenantEgress(c.req.param("id"), hosts);
		return c.redirect(`${tenantPath(c.req.param("id"))}?egress`, 303);
	});
