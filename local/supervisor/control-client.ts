/** The supervisor's calls to the control Worker's Supervision surface (../control/supervision.ts). */

import type { QuarantineAnswer, QuarantineReason } from "../../workers/shared/runtime/quarantine.ts";
import type { ScheduledRun } from "../../workers/shared/schedules/runs.ts";
import type { Side } from "../control/bindings.ts";
import { SUPERVISOR_TOKEN_HEADER } from "../control/bindings.ts";
import type { InFlightRequest } from "../control/in-flight.ts";

export class ControlClient {
	private readonly url: URL;
	private readonly token: string;

	constructor(url: URL, token: string) {
		this.url = url;
		this.token = token;
	}

	configure(runtimes: number, isolations: number): Promise<unknown> {
		return this.call("PUT", "/config", { runtimes, isolations });
	}

	setSlot(slot: number, side: Side | null): Promise<unknown> {
		return this.call("PUT", `/slots/${slot}`, { side });
	}

	/** Takes a wedged slot down; answers what was in flight there (now held). */
	async markDown(slot: number): Promise<InFlightRequest[]> {
		return ((await this.call("POST", `/slots/${slot}/down`)) as { inFlight: InFlightRequest[] }).inFlight;
	}

	async inFlight(slot: number, side: Side): Promise<number> {
		return ((await this.call("GET", `/slots/${slot}/${side}/in-flight`)) as { count: number }).count;
	}

	release(labels: string[]): Promise<unknown> {
		return this.call("POST", "/suspects/release", { labels });
	}

	/** Sends each label to its isolation slot until `until`. */
	isolate(placed: { label: string; slot: number }[], until: number): Promise<unknown> {
		return this.call("POST", "/suspects/isolate", { placed, until });
	}

	restore(labels: string[]): Promise<unknown> {
		return this.call("POST", "/suspects/restore", { labels });
	}

	async quarantine(label: string, reason: QuarantineReason): Promise<QuarantineAnswer | null> {
		return ((await this.call("POST", "/quarantine", { label, reason })) as { quarantined: QuarantineAnswer | null }).quarantined;
	}

	/** Runs the cron triggers due at the minute `at` falls in; answers what ran and how. */
	async runMinute(at: number): Promise<ScheduledRun[]> {
		// The runs take as long as the slowest handler (bounded by the wall-clock limit).
		return ((await this.call("POST", "/minute", { at }, 120_000)) as { runs: ScheduledRun[] }).runs;
	}

	setProbe(side: Side | null): Promise<unknown> {
		return this.call("PUT", "/probe", { side });
	}

	async probesInFlight(side: Side): Promise<number> {
		return ((await this.call("GET", `/probe/${side}/in-flight`)) as { count: number }).count;
	}

	private async call(method: string, route: string, body?: unknown, timeoutMs = 10_000): Promise<unknown> {
		const response = await fetch(new URL(route, this.url), {
			method,
			headers: { [SUPERVISOR_TOKEN_HEADER]: this.token, ...(body === undefined ? {} : { "content-type": "application/json" }) },
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(timeoutMs),
		});
		if (!response.ok) throw new Error(`the control process answered ${method} ${route} with ${response.status}: ${await response.text()}`);
		return response.json();
	}
}
