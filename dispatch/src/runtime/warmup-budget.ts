/**
 * How many isolates the dispatcher may start ahead of traffic. Starting a new deployment's isolate
 * when its route moves makes its first request warm, but the runtime keeps every started isolate
 * (about 2 MB for a hello world, in local workerd), and a deployment may never be requested: a
 * platform that deployed 10,000 scripts must not hold 10,000 idle isolates. So at most `max`
 * deployments may be warm without having served a request; one leaves the count when it serves
 * one, or after `windowMs`, when it is assumed idle (and its isolate left for the runtime to keep or
 * drop). Past the bound, a route move only prefetches the code; the first request starts the isolate.
 */
export class WarmupBudget {
	private readonly ahead = new Map<string, number>();

	constructor(
		private readonly max: number,
		private readonly windowMs: number,
	) {}

	/** Whether `deploymentId` may be warmed now; if so it counts until it serves or its window ends. */
	take(deploymentId: string, now: number): boolean {
		for (const [id, since] of this.ahead) {
			// Map keeps insertion order: the oldest come first.
			if (since + this.windowMs > now) break;
			this.ahead.delete(id);
		}
		if (this.ahead.has(deploymentId)) return false;
		if (this.ahead.size >= this.max) return false;
		this.ahead.set(deploymentId, now);
		return true;
	}

	/** The deployment served a request: it was worth warming. Called on every request, so cheap. */
	served(deploymentId: string): void {
		if (this.ahead.size !== 0) this.ahead.delete(deploymentId);
	}

	get size(): number {
		return this.ahead.size;
	}
}
