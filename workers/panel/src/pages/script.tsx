/**
 * One script: its URL, and its deployments newest first, each with its preview URL, its state
 * events as a timeline and its error; a rollback link on every Deployed deployment that is not live,
 * and delete. Both actions go through a confirmation page (./confirm.tsx).
 */
import type { Deployment, Script } from "../../../shared/api-client/types.ts";
import { formatBytes } from "../../../shared/format";
import type { Session } from "../env";
import { Layout, Time } from "./layout";
import { scriptPath } from "./scripts";

function Timeline({ deployment }: { deployment: Deployment }) {
	return (
		<ol class="timeline" aria-label={`State events of ${deployment.id}`}>
			{deployment.events.map((event) => (
				<li>
					<Time iso={event.at} /> <span class={`state state-${event.to.toLowerCase()}`}>{event.to}</span>
					{event.message ? <span class="message"> {event.message}</span> : null}
				</li>
			))}
		</ol>
	);
}

function DeploymentEntry({ script, deployment }: { script: string; deployment: Deployment }) {
	const canRollBack = deployment.state === "Deployed" && !deployment.live;
	return (
		<li class="deployment" id={`deployment-${deployment.id}`}>
			<h3>
				<code>{deployment.id}</code> <span class={`state state-${deployment.state.toLowerCase()}`}>{deployment.state}</span>
				{deployment.live ? <span class="live">live</span> : null}
			</h3>
			<dl>
				<dt>Created</dt>
				<dd>
					<Time iso={deployment.created_at} />
				</dd>
				<dt>Size</dt>
				<dd>
					{formatBytes(deployment.size_bytes)}
					{deployment.assets ? `, ${deployment.assets.files} asset files (${formatBytes(deployment.assets.bytes)})` : ""}
				</dd>
				{deployment.preview_url ? (
					<>
						<dt>Preview</dt>
						<dd>
							<a href={deployment.preview_url}>{deployment.preview_url}</a>
						</dd>
					</>
				) : null}
				{deployment.quarantined_until ? (
					<>
						<dt>Quarantined until</dt>
						<dd>
							<Time iso={deployment.quarantined_until} />
						</dd>
					</>
				) : null}
			</dl>
			{deployment.error ? (
				<p class="problem">
					Failed at the {deployment.error.stage} stage: <span class="message">{deployment.error.message}</span>
				</p>
			) : null}
			<Timeline deployment={deployment} />
			{canRollBack ? (
				<p>
					<a class="button" href={`${scriptPath(script)}/rollback/${encodeURIComponent(deployment.id)}`}>
						Roll back to {deployment.id}
					</a>
				</p>
			) : null}
		</li>
	);
}

export interface ScriptPageProps {
	session: Session;
	script: Script;
	deployments: Deployment[];
	notice?: string | undefined;
}

export function ScriptPage({ session, script, deployments, notice }: ScriptPageProps) {
	return (
		<Layout title={script.name} session={session} notice={notice}>
			<p>
				<a href="/scripts">All scripts</a> · <a href={`${scriptPath(script.name)}/logs`}>Logs</a> ·{" "}
				<a href={`${scriptPath(script.name)}/metrics`}>Metrics</a> · <a href={`${scriptPath(script.name)}/secrets`}>Secrets</a>
			</p>
			<dl>
				<dt>URL</dt>
				<dd>{script.url ? <a href={script.url}>{script.url}</a> : "nothing serves yet"}</dd>
				<dt>Live deployment</dt>
				<dd>{script.live_deployment_id ? <code>{script.live_deployment_id}</code> : "none"}</dd>
			</dl>
			<h2>Deployments</h2>
			{deployments.length === 0 ? (
				<p>No deployments.</p>
			) : (
				<ol class="deployments">
					{deployments.map((deployment) => (
						<DeploymentEntry script={script.name} deployment={deployment} />
					))}
				</ol>
			)}
			<h2>Delete</h2>
			<p>
				<a class="button danger" href={`${scriptPath(script.name)}/delete`}>
					Delete {script.name}
				</a>
			</p>
		</Layout>
	);
}
