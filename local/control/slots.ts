/**
 * Which runtime process serves a hostname. The edge hashes the script's name (FNV-1a) over the
 * runtime slots, so every host of a script (live and previews) always reaches the same process and
 * its isolates live there only; a slot the supervisor marked down is skipped for the next one up.
 * Labels under suspicion after a wedge are held (answered 503) until the supervisor decides, then
 * either released or sent, each to its own isolation slot (slots after the hashed ones), for a while.
 *
 * Read on every request: `pick` allocates nothing and, with no suspects, touches two arrays.
 */
// With its extension: the supervisor's tests import this module from Node too.
import { runtimeBinding, SIDES, type Side } from "./bindings.ts";

/** One side of one slot: the binding that reaches the process there, and its index for in-flight counts. */
export interface Channel {
	slot: number;
	side: Side;
	binding: string;
	index: number;
}

/** 32-bit FNV-1a: quick, and stable across processes and restarts. */
export function fnv1a(text: string): number {
	let hash = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		hash ^= text.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193);
	}
	return hash >>> 0;
}

/** The script a label names: `<deployment-id>--<script>` (preview) or `<script>` (script names have no `--`). */
export const slotKey = (label: string): string => {
	const at = label.indexOf("--");
	return at === -1 ? label : label.slice(at + 2);
};

export type Pick = Channel | "held" | "none";

export interface SlotState {
	runtimes: number;
	isolations: number;
	/** The live side of each slot, the isolation slots last; null: down. */
	live: (Side | null)[];
	held: string[];
	isolated: { label: string; slot: number; until: number }[];
}

export class SlotTable {
	private runtimes = 0;
	private isolations = 0;
	/** channels[slot][0 | 1]: every side of every slot, built once. */
	private channels: Channel[][] = [];
	/** The live channel of each slot (isolation slots last), null while down. */
	private live: (Channel | null)[] = [];
	/** Label → until when it is held. */
	private readonly held = new Map<string, number>();
	/** Label → its isolation slot and until when it is sent there. */
	private readonly isolated = new Map<string, { slot: number; until: number }>();

	/** `runtimes` hashed slots, then `isolations` isolation slots; all down until set live. */
	configure(runtimes: number, isolations: number): void {
		this.runtimes = runtimes;
		this.isolations = isolations;
		this.channels = Array.from({ length: runtimes + isolations }, (_, slot) =>
			SIDES.map((side, i) => ({ slot, side, binding: runtimeBinding(slot, side), index: slot * 2 + i })),
		);
		this.live = this.channels.map(() => null);
	}

	/** Sets the side that serves `slot` (null: down); returns the channel that served it before. */
	setLive(slot: number, side: Side | null): Channel | null {
		const channels = this.channels[slot];
		if (!channels) throw new RangeError(`no slot ${slot}`);
		const before = this.live[slot] ?? null;
		this.live[slot] = side === null ? null : channels[SIDES.indexOf(side)]!;
		return before;
	}

	liveChannel(slot: number): Channel | null {
		return this.live[slot] ?? null;
	}

	channel(slot: number, side: Side): Channel | undefined {
		return this.channels[slot]?.[SIDES.indexOf(side)];
	}

	/** Every side serving now, the isolation slot's included. */
	liveChannels(): Channel[] {
		return this.live.filter((channel): channel is Channel => channel !== null);
	}

	/** Where a request for `label` goes: a channel, "held" (a suspect awaiting the supervisor), or "none" up. */
	pick(label: string, now = Date.now()): Pick {
		if (this.held.size !== 0 && this.isHeld(label, now)) return "held";
		if (this.isolated.size !== 0) {
			const isolation = this.isolationOf(label, now);
			if (isolation !== undefined) return this.live[isolation] ?? "held";
		}
		const start = fnv1a(slotKey(label)) % this.runtimes;
		for (let i = 0; i < this.runtimes; i++) {
			const channel = this.live[(start + i) % this.runtimes];
			if (channel) return channel;
		}
		return "none";
	}

	/** The slot that serves `label` now, if any (RouteControl warms a deployment only there). */
	owner(label: string, now = Date.now()): number | undefined {
		const pick = this.pick(label, now);
		return typeof pick === "object" ? pick.slot : undefined;
	}

	/**
	 * The hashed slot that serves `label` while every slot is up (the edge's first choice), whatever
	 * is down now (an isolation slot is never one).
	 */
	home(label: string): number {
		return fnv1a(slotKey(label)) % this.runtimes;
	}

	/** Whether `slot` is one of the hashed slots (not an isolation slot). */
	hashed(slot: number): boolean {
		return slot < this.runtimes;
	}

	/** Answers these labels 503 until released, isolated or `until`. */
	hold(labels: readonly string[], until: number): void {
		for (const label of labels) this.held.set(label, until);
	}

	release(labels: readonly string[]): void {
		for (const label of labels) this.held.delete(label);
	}

	/** Sends each label to its isolation slot until `until` (and no longer holds it). */
	isolate(placed: readonly { label: string; slot: number }[], until: number): void {
		for (const { label, slot } of placed) {
			if (slot < this.runtimes || slot >= this.runtimes + this.isolations) throw new RangeError(`slot ${slot} is not an isolation slot`);
			this.held.delete(label);
			this.isolated.set(label, { slot, until });
		}
	}

	/** Sends these labels back to their hashed slot. */
	restore(labels: readonly string[]): void {
		for (const label of labels) this.isolated.delete(label);
	}

	state(now = Date.now()): SlotState {
		for (const [label, until] of this.held) if (until <= now) this.held.delete(label);
		for (const [label, { until }] of this.isolated) if (until <= now) this.isolated.delete(label);
		return {
			runtimes: this.runtimes,
			isolations: this.isolations,
			live: this.live.map((channel) => channel?.side ?? null),
			held: [...this.held.keys()],
			isolated: [...this.isolated].map(([label, { slot, until }]) => ({ label, slot, until })),
		};
	}

	private isHeld(label: string, now: number): boolean {
		const until = this.held.get(label);
		if (until === undefined) return false;
		if (until > now) return true;
		this.held.delete(label);
		return false;
	}

	private isolationOf(label: string, now: number): number | undefined {
		const isolation = this.isolated.get(label);
		if (isolation === undefined) return undefined;
		if (isolation.until > now) return isolation.slot;
		this.isolated.delete(label);
		return undefined;
	}
}
