/** The operator's plans: list, create or change one. */
import { z } from "zod";
import { factory } from "../env";
import { fields } from "../forms";
import { PlansPage } from "../pages/plans";
import { render } from "../pages/render";

const budgetField = z
	.string()
	.trim()
	.optional()
	.transform((value) => (value ? Number(value) : null));

const planForm = z.object({
	csrf: z.string(),
	name: z.string().trim().min(1).max(32),
	cpu_ms: z.coerce.number().int(),
	sub_requests: z.coerce.number().int(),
	// Empty: no budget (the API checks the numbers).
	requests_budget: budgetField,
	cpu_ms_budget: budgetField,
});

export const planRoutes = factory
	.createApp()
	.get("/", async (c) => {
		const saved = c.req.query("saved");
		return render(
			c,
			<PlansPage session={c.var.session} plans={await c.var.api.listPlans()} notice={saved ? `Saved plan ${saved}.` : undefined} />,
		);
	})
	.post("/", async (c) => {
		const { name, cpu_ms, sub_requests, requests_budget, cpu_ms_budget } = fields(c, planForm);
		const { plan } = await c.var.api.putPlan(name, { cpu_ms, sub_requests, requests_budget, cpu_ms_budget });
		return c.redirect(`/plans?saved=${encodeURIComponent(plan.name)}`, 303);
	});
