/**
 * Deploy progress: on a terminal one live line with a spinner that follows the deployment's states,
 * replaced by a ✔ line per finished step; otherwise (CI, a pipe, --json) one plain line per step and
 * per state, so logs read well.
 */
import type { DeploymentEvent } from "../../../workers/shared/api-client/types.ts";
import type { Output } from "../core/output.ts";

export interface DeployProgress {
	/** A step begins. */
	step(text: string): void;
	/** The current step ended well. */
	done(text: string): void;
	/** The deployment moved to a new state. */
	state(deploymentId: string, event: DeploymentEvent): void;
	/** Ends any live line (on failure or cancellation). */
	stop(): void;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export function deployProgress(out: Output): DeployProgress {
	return out.human.isTTY ? new LiveProgress(out) : new PlainProgress(out);
}

class PlainProgress implements DeployProgress {
	private readonly out: Output;

	constructor(out: Output) {
		this.out = out;
	}

	step(text: string): void {
		this.out.log(`${text}…`);
	}

	done(text: string): void {
		this.out.log(text);
	}

	state(deploymentId: string, event: DeploymentEvent): void {
		this.out.log(`Deployment ${deploymentId}: ${event.to}${event.message ? ` (${event.message})` : ""}`);
	}

	stop(): void {}
}

class LiveProgress implements DeployProgress {
	private text = "";
	private frame = 0;
	private timer: ReturnType<typeof setInterval> | undefined;
	private states: string[] = [];
	private readonly out: Output;

	constructor(out: Output) {
		this.out = out;
	}

	step(text: string): void {
		this.text = text;
		this.states = [];
		this.render();
	}

	done(text: string): void {
		this.clear();
		this.out.success(text);
	}

	state(deploymentId: string, event: DeploymentEvent): void {
		this.states.push(event.to);
		this.text = `Deployment ${deploymentId}: ${this.states.join(" → ")}`;
		this.render();
	}

	stop(): void {
		this.clear();
	}

	private render(): void {
		if (!this.timer) {
			this.timer = setInterval(() => this.render(), 80);
			this.timer.unref?.();
		}
		this.frame = (this.frame + 1) % FRAMES.length;
		this.out.human.write(`\r\x1b[2K${this.out.style("cyan", FRAMES[this.frame]!)} ${this.text}`);
	}

	private clear(): void {
		if (this.timer) clearInterval(this.timer);
		this.timer = undefined;
		this.out.human.write("\r\x1b[2K");
	}
}
