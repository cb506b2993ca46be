import type { Script } from "../../../shared/api-client/types.ts";
import type { Session } from "../env";
import { Layout, Time } from "./layout";

export const scriptPath = (name: string) => `/scripts/${encodeURIComponent(name)}`;

/** A script's last 24 hours, from its metrics. */
export interface DaySummary {
	requests: number;
	errors: number;
}

/** Errors as a share of requests, e.g. "2.5 %"; none without requests. */
const errorRate = ({ requests, errors }: DaySummary) => (requests === 0 ? "—" : `${Number(((errors / requests) * 100).toFixed(1))} %`);

export interface ScriptsPageProps {
	session: Session;
	scripts: Script[];
	/** By script name (`GET /v1/metrics`); a script without one (deployed since) shows a link to its metrics. */
	summaries: Map<string, DaySummary>;
	notice?: string | undefined;
}

export function ScriptsPage({ session, scripts, summaries, notice }: ScriptsPageProps) {
	return (
		<Layout title="Scripts" session={session} notice={notice}>
			{scripts.length === 0 ? (
				<p>
					No scripts yet. Deploy one with <code>ferry deploy</code>.
				</p>
			) : (
				<table>
					<caption>
						Your scripts: what serves at their URLs, their last deploy, and their requests and error rate over the last 24 hours
					</caption>
					<thead>
						<tr>
							<th scope="col">Script</th>
							<th scope="col">Live deployment</th>
							<th scope="col">URL</th>
							<th scope="col">Requests (24 h)</th>
							<th scope="col">Errors (24 h)</th>
							<th scope="col">Last deploy</th>
						</tr>
					</thead>
					<tbody>
						{scripts.map((script) => {
							const summary = summaries.get(script.name);
							return (
								<tr>
									<th scope="row">
										<a href={scriptPath(script.name)}>{script.name}</a>
									</th>
									<td>{script.live_deployment_id ? <code>{script.live_deployment_id}</code> : "none"}</td>
									<td>{script.url ? <a href={script.url}>{script.url}</a> : "—"}</td>
									{summary ? (
										<>
											<td class="number">{summary.requests}</td>
											<td class="number">
												{errorRate(summary)}
												{summary.errors ? ` (${summary.errors})` : ""}
											</td>
										</>
									) : (
										<td colspan={2}>
											<a href={`${scriptPath(script.name)}/metrics?since=24h`}>Metrics of {script.name}</a>
										</td>
									)}
									<td>
										{script.last_deployment ? (
											<>
												<span class={`state state-${script.last_deployment.state.toLowerCase()}`}>{script.last_deployment.state}</span>{" "}
												<Time iso={script.last_deployment.created_at} />
											</>
										) : (
											"none"
										)}
									</td>
								</tr>
							);
						})}
					</tbody>
				</table>
			)}
		</Layout>
	);
}
