/**
 * How many isolates the dispatcher may start ahead of traffic. Starting a new deployment's isolate
 * when its route moves makes its first request warm, but the runtime keeps every started isolate
 * (about 2 MB for a hello world, in local workerd), and a deployment may never be requested: a
 * platform that deployed 10,000 scripts must not hold 10,000 idle isolates. So at most `max`
 * deployments may be warm without having served a request; one leaves the count when it serves
 * one, or after `windowMs`, when it is assumed idle (and its isolate left for the runtime to keep or
 * drop). Past the bound, a route move only prefetches the code; the first request starts the isolate.
 */
import { BoundedMap } from "../../../workers/shared/bounded-map";

export class WarmupBudget {
	/** Deployments warmed and not yet served, forgotten when their window ends. */
	private readonly ahead: BoundedMap<string, true>;
	private readonly max: number;

	constructor(max: number, windowMs: number) {
		this.max = max;
		// Full means "refuse", never "evict": take() checks the size before it adds.
		this.ahead = new BoundedMap({ maxEntries: max, ttlMs: windowMs });
	}

	/** Whether `deploymentId` may be warmed now; if so it counts until it serves or its window ends. */
	take(deploymentId: string, now: number): boolean {
		this.ahead.prune(now);
		if (this.ahead.has(deploymentId, now) || this.ahead.size >= this.max) return false;
		this.ahead.set(deploymentId, true, now);
		return true;
	}

	/** The deployment served a request: it was worth warming. Called on every request, so cheap. */
	served(deploymentId: string): void {
		if (this.ahead.size !== 0) this.ahead.delete(deploymentId);
	}

	/** Forgets every deployment warmed ahead (tests that need room, on a platform other files filled). */
	clear(): void {
		this.ahead.clear();
	}

	get size(): number {
		return this.ahead.size;
	}
}
