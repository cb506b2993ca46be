/**
 * The Loaded probe's route: the API's PROBE binding reaches the ProbeRouter entrypoint here, which
 * forwards each probe to the live probe process (A or B side, like a runtime slot, so the process can
 * be replaced for memory without failing a probe in flight).
 *
 * A top level that never finishes wedges the probe process; the supervisor finds it unresponsive
 * and stops it, and every probe in flight there fails at once. Whose code it was is told apart here:
 * a probe that was alone on the process is the culprit; one that had company is tried again alone
 * (one at a time, nothing else on the process), and fails as the culprit only if it stops the
 * process alone too. Whatever happens, the API keeps its own deadline (LIMITS.loadTimeoutMs).
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import type { LoadProbe, LoadProbeResult } from "../../workers/shared/runtime/load-probe";
import { probeBinding, SIDES, type Side } from "./bindings";
import { added, probes } from "./state";

/** What the deployment's Error says when its start stopped the probe process (alone). */
export const NEVER_FINISHED =
	"its top level never finished: it ran for over a second without yielding, or ran out of memory, and the runtime stopped it";

/** How long a probe waits for a probe process to be up (one restarts in well under a second). */
const UP_WAIT_MS = 10_000;
const POLL_MS = 20;

interface Attempt {
	/** Another probe ran on the same process while this one did. */
	accompanied: boolean;
}

type Outcome = { result: LoadProbeResult } | { failed: true; accompanied: boolean };

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
	for (const started = Date.now(); !condition(); ) {
		if (Date.now() - started > timeoutMs) return false;
		await wait(POLL_MS);
	}
	return true;
}

export class ProbeRoute {
	private live: Side | null = null;
	private readonly active: Record<Side, Set<Attempt>> = { A: new Set(), B: new Set() };
	/** Probes waiting to be tried again alone: while any waits, no new probe starts. */
	private solos = 0;
	private soloTurn: Promise<unknown> = Promise.resolve();

	setLive(side: Side | null): void {
		this.live = side;
	}

	get side(): Side | null {
		return this.live;
	}

	/** Probes in flight on a side (the supervisor drains a replaced process with this). */
	count(side: Side): number {
		return this.active[side].size;
	}

	async run(call: (binding: string) => Promise<LoadProbeResult>): Promise<LoadProbeResult> {
		await until(() => this.solos === 0, UP_WAIT_MS);
		const first = await this.attempt(call);
		if ("result" in first) return first.result;
		if (!first.accompanied) return { started: false, error: NEVER_FINISHED };
		this.solos++;
		try {
			// One at a time, and only once nothing else is in flight on any side.
			const turn = this.soloTurn.then(async () => {
				await until(() => SIDES.every((side) => this.active[side].size === 0), UP_WAIT_MS);
				return this.attempt(call);
			});
			this.soloTurn = turn.catch(() => undefined);
			const alone = await turn;
			return "result" in alone ? alone.result : { started: false, error: NEVER_FINISHED };
		} finally {
			this.solos--;
		}
	}

	private async attempt(call: (binding: string) => Promise<LoadProbeResult>): Promise<Outcome> {
		if (!(await until(() => this.live !== null, UP_WAIT_MS))) throw new Error("no probe process is running");
		const side = this.live!;
		const here = this.active[side];
		const attempt: Attempt = { accompanied: here.size > 0 };
		for (const other of here) other.accompanied = true;
		here.add(attempt);
		try {
			return { result: await call(probeBinding(side)) };
		} catch {
			// The probe itself never rejects (a start-up failure is a result): the process went away.
			return { failed: true, accompanied: attempt.accompanied };
		} finally {
			here.delete(attempt);
		}
	}
}

/** The API's PROBE binding (local platform): LoadProbe, run in the probe process. */
export class ProbeRouter extends WorkerEntrypoint<ControlEnv> implements LoadProbe {
	probe(code: WorkerLoaderWorkerCode): Promise<LoadProbeResult> {
		return probes.run((binding) => added<LoadProbe>(this.env, binding).probe(code));
	}
}
