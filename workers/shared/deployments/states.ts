/**
 * The deployment state machine (shuttle's): Queued → Built → Loaded → Deployed, or Error at any stage;
 * Deleted when the script goes. Which deployment is live is the route's pointer, not a state.
 */
export const DEPLOYMENT_STATES = ["Queued", "Built", "Loaded", "Deployed", "Error", "Deleted"] as const;
export type DeploymentState = (typeof DEPLOYMENT_STATES)[number];

/** Every legal move. Anything else is a bug and is refused. */
export const TRANSITIONS = {
	Queued: ["Built", "Error", "Deleted"],
	Built: ["Loaded", "Error", "Deleted"],
	Loaded: ["Deployed", "Error", "Deleted"],
	Deployed: ["Deleted"],
	Error: ["Deleted"],
	Deleted: [],
} as const satisfies Record<DeploymentState, readonly DeploymentState[]>;

/** One transition as it happened: what a `deployment_events` row records. */
export interface DeploymentEvent {
	from: DeploymentState | null;
	to: DeploymentState;
	at: number;
	message: string | null;
}

/** The stage a failure is charged to: the state the deployment was trying to reach. */
export type DeploymentStage = "upload" | "build" | "load" | "deploy";

export function canTransition(from: DeploymentState, to: DeploymentState): boolean {
	return (TRANSITIONS[from] as readonly DeploymentState[]).includes(to);
}

export class IllegalTransitionError extends Error {
	readonly from: DeploymentState;
	readonly to: DeploymentState;

	// Plain fields rather than parameter properties: Node strips types only from erasable syntax (the CLI imports this).
	constructor(from: DeploymentState, to: DeploymentState) {
		super(`illegal deployment transition ${from} → ${to}`);
		this.name = "IllegalTransitionError";
		this.from = from;
		this.to = to;
	}
}

export function assertTransition(from: DeploymentState, to: DeploymentState): void {
	if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
}
