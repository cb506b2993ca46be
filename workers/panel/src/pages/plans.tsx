import type { PlansAnswer } from "../../../shared/api-client/types.ts";
import type { Session } from "../env";
import { Layout, Time } from "./layout";

export function PlansPage({ session, plans }: { session: Session; plans: PlansAnswer }) {
	return (
		<Layout title="Plans" session={session}>
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
						<th scope="col">Updated</th>
					</tr>
				</thead>
				<tbody>
					{plans.plans.map((plan) => (
						<tr>
							<th scope="row">{plan.name}</th>
							<td>{plan.cpu_ms} ms</td>
							<td>{plan.sub_requests}</td>
							<td>
								<Time iso={plan.updated_at} />
							</td>
						</tr>
					))}
				</tbody>
			</table>
		</Layout>
	);
}
