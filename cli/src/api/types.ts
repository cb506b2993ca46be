/** The API's JSON shapes (docs/api.md), as the CLI reads them. */
import type { DeploymentState } from "../../../workers/shared/deployments/states.ts";

export interface DeploymentEvent {
	from: DeploymentState | null;
	to: DeploymentState;
	at: string;
	message: string | null;
}

export interface Deployment {
	id: string;
	script: string;
	state: DeploymentState;
	live: boolean;
	artifact_sha256: string;
	size_bytes: number;
	created_at: string;
	updated_at: string;
	error: { stage: string; message: string } | null;
	url: string | null;
	preview_url: string | null;
	events: DeploymentEvent[];
}

export interface Script {
	name: string;
	created_at: string;
	live_deployment_id: string | null;
	url: string | null;
}

export interface Tenant {
	id: string;
	name: string;
	plan: string;
	created_at: string;
}

/** A token as issued: the secret is in the answer once and never again. */
export interface IssuedToken {
	id: string;
	name: string;
	token: string;
	created_at: string;
}

export interface TokenInfo {
	id: string;
	name: string;
	created_at: string;
	revoked_at: string | null;
	current: boolean;
}

export interface DeployResult {
	deployment: Deployment;
	url: string;
	preview_url: string;
}

export interface RollbackResult {
	deployment: Deployment;
	url: string;
	previous_deployment_id: string | null;
}

/** One line of the streamed deploy answer before the last. */
export interface ProgressLine {
	event: DeploymentEvent & { deployment_id: string };
}
