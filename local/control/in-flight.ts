/**
 * The requests the edge forwarded to each side of each slot and has no response headers for yet:
 * when the supervisor finds a runtime process wedged, these are the suspects (a loop that starts after
 * the headers, while the body streams, stops the process just the same but is not attributed). A
 * forward that failed (the process died under it) stays a suspect for a few seconds too, since
 * a process that exits (an allocation loop's heap abort) ends its requests before the supervisor asks.
 *
 * Per side, an insertion-ordered Map: token → entry, set and deleted once per request.
 */

export interface InFlightRequest {
	label: string;
	startedAt: number;
}

/** How long a request lost with its process is still reported. */
const LOST_KEPT_MS = 5_000;

export class InFlight {
	private readonly open: Map<number, InFlightRequest>[] = [];
	private readonly lost: (InFlightRequest & { lostAt: number })[][] = [];
	private next = 0;

	start(channel: number, label: string, now = Date.now()): number {
		const token = this.next++;
		this.side(channel).set(token, { label, startedAt: now });
		return token;
	}

	/** The response headers arrived. */
	end(channel: number, token: number): void {
		this.open[channel]?.delete(token);
	}

	/** The forward failed: the process behind it stopped (or never listened). */
	fail(channel: number, token: number, now = Date.now()): void {
		const entry = this.open[channel]?.get(token);
		if (!entry) return;
		this.open[channel]!.delete(token);
		const lost = this.lost[channel] ?? [];
		this.lost[channel] = lost;
		lost.push({ ...entry, lostAt: now });
		if (lost.length > 1_000) lost.shift();
	}

	count(channel: number): number {
		return this.open[channel]?.size ?? 0;
	}

	/**
	 * Everything in flight on the side, and what it lost lately, once: the side is forgotten (its
	 * process is going), so a request that fails afterwards is not reported again by a later take.
	 */
	take(channel: number, now = Date.now()): InFlightRequest[] {
		const lost = (this.lost[channel] ?? []).filter((entry) => now - entry.lostAt < LOST_KEPT_MS);
		const open = [...this.side(channel).values()];
		this.lost[channel] = [];
		this.open[channel] = new Map();
		return [...open, ...lost.map(({ label, startedAt }) => ({ label, startedAt }))];
	}

	private side(channel: number): Map<number, InFlightRequest> {
		let side = this.open[channel];
		if (!side) {
			side = new Map();
			this.open[channel] = side;
		}
		return side;
	}
}
