import type { Plan, Tenant, TenantSettings } from "../../../shared/api-client/types.ts";
import type { Session } from "../env";
import { CsrfField, Layout, Time } from "./layout";

export const tenantPath = (id: string) => `/tenants/${encodeURIComponent(id)}`;

export function TenantsPage({ session, tenants, notice }: { session: Session; tenants: Tenant[]; notice?: string | undefined }) {
	return (
		<Layout title="Tenants" session={session} notice={notice}>
			<table>
				<caption>Every tenant of this installation</caption>
				<thead>
					<tr>
						<th scope="col">Tenant</th>
						<th scope="col">Id</th>
						<th scope="col">Plan</th>
						<th scope="col">Created</th>
					</tr>
				</thead>
				<tbody>
					{tenants.map((tenant) => (
						<tr>
							<th scope="row">
								<a href={tenantPath(tenant.id)}>{tenant.name}</a>
							</th>
							<td>
								<code>{tenant.id}</code>
							</td>
							<td>{tenant.plan}</td>
							<td>
								<Time iso={tenant.created_at} />
							</td>
						</tr>
					))}
				</tbody>
			</table>
			<h2>Create a tenant</h2>
			<form method="post" action="/tenants" class="stack">
				<CsrfField token={session.csrf} />
				<label for="tenant-name">Name (a-z, 0-9 and -)</label>
				<input id="tenant-name" name="name" required maxlength={63} />
				<label for="tenant-plan">Plan</label>
				<input id="tenant-plan" name="plan" value="free" required maxlength={32} />
				<button type="submit">Create tenant</button>
			</form>
		</Layout>
	);
}

export function TenantPage({
	session,
	settings,
	plans,
	notice,
}: {
	session: Session;
	settings: TenantSettings;
	plans: Plan[];
	notice?: string | undefined;
}) {
	const { tenant, limits, egress } = settings;
	const path = tenantPath(tenant.id);
	return (
		<Layout title={`Tenant ${tenant.name}`} session={session} notice={notice}>
			<p>
				<a href="/tenants">All tenants</a>
			</p>
			<dl>
				<dt>Id</dt>
				<dd>
					<code>{tenant.id}</code>
				</dd>
				<dt>Created</dt>
				<dd>
					<Time iso={tenant.created_at} />
				</dd>
				<dt>Limits per request</dt>
				<dd>
					{limits.cpu_ms} ms CPU, {limits.sub_requests} subrequests ({limits.source === "plan" ? `plan ${limits.name}` : "the defaults"})
				</dd>
			</dl>
			<h2>Plan</h2>
			<form method="post" action={`${path}/plan`} class="stack">
				<CsrfField token={session.csrf} />
				<label for="plan">Plan</label>
				<input id="plan" name="plan" value={tenant.plan} list="known-plans" required maxlength={32} />
				<datalist id="known-plans">
					{plans.map((plan) => (
						<option value={plan.name} />
					))}
				</datalist>
				<button type="submit">Set plan</button>
			</form>
			<h2>Egress allow-list</h2>
			<form method="post" action={`${path}/egress`} class="stack">
				<CsrfField token={session.csrf} />
				<label for="hosts">Hosts its code may reach, one per line (empty: no network)</label>
				<textarea id="hosts" name="hosts" rows={6}>
					{egress.hosts.join("\n")}
				</textarea>
				<button type="submit">Save allow-list</button>
			</form>
		</Layout>
	);
}
