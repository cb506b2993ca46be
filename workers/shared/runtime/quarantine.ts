/**
 * Quarantine's contract between the local platform's supervisor (through the control Worker) and the
 * API's Quarantine entrypoint (workers/api/src/quarantine.ts), which records it in the deploy store.
 */

/** Why a runtime process was stopped, as the supervisor saw it: no health answer for a second, or it exited. */
export const QUARANTINE_REASONS = ["unresponsive", "crashed"] as const;
export type QuarantineReason = (typeof QUARANTINE_REASONS)[number];

export interface QuarantineRequest {
	/** The hostname label whose request was the only one in flight when the process stopped. */
	label: string;
	reason: QuarantineReason;
}

export interface QuarantineAnswer {
	deploymentId: string;
	scriptName: string;
	/** Until when (ms since the epoch). */
	until: number;
	/** The labels whose routes now carry the quarantine (refreshed in every runtime). */
	labels: string[];
}

export interface QuarantineApi {
	/** Quarantines what the label routes to; null when it routes nowhere or that deployment is no longer Deployed. */
	quarantine(request: QuarantineRequest): Promise<QuarantineAnswer | null>;
}
