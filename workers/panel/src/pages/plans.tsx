import type { PlansAnswer } from "../../../shared/api-client/types.ts";
import type { Session } from "../env";
import { CsrfField, Layout, Time } from "./layout";

export function PlansPage({ session, plans, notice }: { session: Session; plans: PlansAnswer; notice?: string | undefined }) {
	return (
		<Layout title="Plans" session={session} notice={notice}>
			<p>
				A plan without its own row gets the default limits: {plans.default.cpu_ms} ms of CPU and {plans.default.sub_requests} subrequests
				per request.
			</p>
			<table>
				<caption>Plans and their per-request limits</caption>
				<thead>
					<tr>
						<th scope="col">Plan</th>
						<th scope="col">CPU per request</th>
						<th scope="col">Subrequests per request</th>
						<th scope="col">Requests per month</th>
						<th scope="col">CPU per month</th>
						<th scope="col">Updated</th>
					</tr>
				</thead>
				<tbody>
					{plans.plans.map((plan) => (
						<tr>
							<th scope="row">{plan.name}</th>
							<td>{plan.cpu_ms} ms</td>
							<td>{plan.sub_requests}</td>
							<td>{plan.requests_budget === null ? "no budget" : plan.requests_budget.toLocaleString("en-US")}</td>
							<td>{plan.cpu_ms_budget === null ? "no budget" : `${plan.cpu_ms_budget.toLocaleString("en-US")} ms`}</td>
							<td>
								<Time iso={plan.updated_at} />
							</td>
						</tr>
					))}
				</tbody>
			</table>
			<h2>Create or change a plan</h2>
			<form method="post" action="/plans" class="stack">
				<CsrfField token={session.csrf} />
				<label for="plan-name">Name (a-z, 0-9 and -)</label>
				<input id="plan-name" name="name" required maxlength={32} />
				<label for="plan-cpu">CPU per request (ms)</label>
				<input id="plan-cpu" name="cpu_ms" type="number" min={1} required />
				<label for="plan-sub">Subrequests per request</label>
				<input id="plan-sub" name="sub_requests" type="number" min={0} required />
				<label for="plan-requests-budget">Requests per month, all of a tenant's scripts (empty: no budget)</label>
				<input id="plan-requests-budget" name="requests_budget" type="number" min={1} />
				<label for="plan-cpu-budget">CPU per month, ms (empty: no budget)</label>
				<input id="plan-cpu-budget" name="cpu_ms_budget" type="number" min={1} />
				<button type="submit">Save plan</button>
			</form>
		</Layout>
	);
}
