/** The operator's plans (read-only here for now). */
import { factory } from "../env";
import { PlansPage } from "../pages/plans";
import { render } from "../pages/render";

export const planRoutes = factory
	.createApp()
	.get("/", async (c) => render(c, <PlansPage session={c.var.session} plans={await c.var.api.listPlans()} />));
