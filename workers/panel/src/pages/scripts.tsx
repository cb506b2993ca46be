import type { Script } from "../../../shared/api-client/types.ts";
import type { Session } from "../env";
import { Layout, Time } from "./layout";

export const scriptPath = (name: string) => `/scripts/${encodeURIComponent(name)}`;

export function ScriptsPage({ session, scripts, notice }: { session: Session; scripts: Script[]; notice?: string | undefined }) {
	return (
		<Layout title="Scripts" session={session} notice={notice}>
			{scripts.length === 0 ? (
				<p>
					No scripts yet. Deploy one with <code>ferry deploy</code>.
				</p>
			) : (
				<table>
					<caption>Your scripts and what serves at their URLs</caption>
					<thead>
						<tr>
							<th scope="col">Script</th>
							<th scope="col">Live deployment</th>
							<th scope="col">URL</th>
							<th scope="col">Created</th>
						</tr>
					</thead>
					<tbody>
						{scripts.map((script) => (
							<tr>
								<th scope="row">
									<a href={scriptPath(script.name)}>{script.name}</a>
								</th>
								<td>{script.live_deployment_id ? <code>{script.live_deployment_id}</code> : "none"}</td>
								<td>{script.url ? <a href={script.url}>{script.url}</a> : "—"}</td>
								<td>
									<Time iso={script.created_at} />
								</td>
							</tr>
						))}
					</tbody>
				</table>
			)}
		</Layout>
	);
}
