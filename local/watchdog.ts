/**
 * workerd does not enforce CPU limits locally, and every isolate shares its event loop: one tenant's
 * endless loop freezes the whole local platform. The watchdog probes the platform and, when a probe
 * gets no answer in time, restarts the runtime. Production is protected by Cloudflare's CPU limits.
 */
export interface WatchdogOptions {
	/** Resolves when the runtime answered. */
	probe: (signal: AbortSignal) => Promise<void>;
	restart: () => Promise<void>;
	intervalMs?: number;
	timeoutMs?: number;
	onRestart?: () => void;
}

export class Watchdog {
	private readonly options: WatchdogOptions;
	private timer: NodeJS.Timeout | undefined;
	private stopped = false;

	constructor(options: WatchdogOptions) {
		this.options = options;
	}

	start(): this {
		this.schedule();
		return this;
	}

	stop(): void {
		this.stopped = true;
		clearTimeout(this.timer);
	}

	private schedule(): void {
		if (this.stopped) return;
		this.timer = setTimeout(() => void this.check(), this.options.intervalMs ?? 2000);
		// The watchdog alone never keeps the process alive.
		this.timer.unref();
	}

	private async check(): Promise<void> {
		const answered = await this.options.probe(AbortSignal.timeout(this.options.timeoutMs ?? 5000)).then(
			() => true,
			() => false,
		);
		if (!answered && !this.stopped) {
			this.options.onRestart?.();
			await this.options.restart();
		}
		this.schedule();
	}
}
